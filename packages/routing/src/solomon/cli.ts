/**
 * `pnpm --filter @h2s/routing solomon <file> [--time-limit-ms N] [--seed S]`
 * Solves one Solomon VRPTW instance; progress on stderr, and as the last stdout line one JSON object
 * `{"routes": [[customer ids in visit order], ...], "distance": total}`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { solve } from '../solve';
import { verify } from '../verify';
import { parseSolomon, solomonProblem } from './parse';

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: solomon <file> [--time-limit-ms N] [--seed S]\n`);
  process.exit(2);
}

function main(argv: string[]): void {
  let file: string | undefined;
  let timeLimitMs = 10_000;
  let seed = 1;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? (arg.split('=', 2) as [string, string]) : [arg, undefined];
    const value = (): number => {
      const raw = inline ?? argv[++i];
      const n = Number(raw);
      if (raw === undefined || raw === '' || !Number.isFinite(n) || n < 0)
        usage(`${flag}: needs a non-negative number (got ${String(raw)})`);
      return n;
    };
    if (flag === '--time-limit-ms') timeLimitMs = value();
    else if (flag === '--seed') seed = Math.floor(value());
    else if (flag === '--') continue;
    else if (flag.startsWith('--')) usage(`unknown option ${flag}`);
    else if (file === undefined) file = arg;
    else usage(`unexpected argument ${arg}`);
  }
  if (file === undefined) usage('missing <file>');
  const path = locate(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    usage(`cannot read ${path}: ${(error as Error).message}`);
  }
  const instance = parseSolomon(text);
  const problem = solomonProblem(instance);
  process.stderr.write(
    `${instance.name}: ${instance.customers.length} customers, ${instance.vehicles} vehicles of ${instance.capacity}, ${timeLimitMs} ms, seed ${seed}\n`,
  );
  const solution = solve(problem, {
    timeLimitMs,
    seed,
    onProgress: (p) =>
      process.stderr.write(`  ${(p.elapsedMs / 1000).toFixed(1)} s  best ${p.best.toFixed(2)}  iterations ${p.iterations}\n`),
  });
  const errors = verify(problem, solution);
  if (errors.length > 0) process.stderr.write(`INVALID PLAN:\n  ${errors.join('\n  ')}\n`);
  if (solution.unassigned.length > 0)
    process.stderr.write(`unassigned: ${solution.unassigned.map((u) => `${u.stopId} (${u.reason})`).join(', ')}\n`);
  const routes = solution.routes.map((r) => r.stops.map((s) => Number(s.stopId)));
  process.stderr.write(
    `done: ${solution.routes.length} routes, distance ${solution.totals.distance.toFixed(2)}, ${solution.stats.iterations} iterations in ${(solution.stats.elapsedMs / 1000).toFixed(1)} s\n`,
  );
  process.stdout.write(`${JSON.stringify({ routes, distance: solution.totals.distance })}\n`);
  if (errors.length > 0 || solution.unassigned.length > 0) process.exitCode = 1;
}

/** Absolute paths as given; relative ones against the directory pnpm was started from (INIT_CWD), then this one. */
function locate(file: string): string {
  if (isAbsolute(file)) return file;
  const candidates = [process.env.INIT_CWD, process.cwd()].filter((d): d is string => !!d).map((d) => resolve(d, file));
  return candidates.find((c) => existsSync(c)) ?? candidates[0] ?? file;
}

main(process.argv.slice(2));
