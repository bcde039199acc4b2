/**
 * `pnpm --filter @h2s/routing bench [--dir DIR] [--time-limit-ms N] [--seed S] [--only R1,C2]`
 * (or SOLOMON_DIR=DIR): solves every Solomon instance (*.txt) in DIR, one after the other, re-checks
 * each plan against Solomon's rules, and prints instance, distance, best known, gap and time, then the
 * mean and worst gap. The instances are not in this repository: without a directory it says so and exits 0.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { solve } from '../src/solve';
import { SOLOMON_BEST_KNOWN } from '../src/solomon/best-known';
import { checkSolomon } from '../src/solomon/check';
import { parseSolomon, solomonProblem } from '../src/solomon/parse';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return undefined;
  return args[i]!.includes('=') ? args[i]!.slice(name.length + 1) : args[i + 1];
};
const dirArg = flag('--dir') ?? process.env.SOLOMON_DIR;
const timeLimitMs = Number(flag('--time-limit-ms') ?? 10_000);
const seed = Number(flag('--seed') ?? 1);
const only = flag('--only')
  ?.split(',')
  .map((s) => s.toUpperCase());

if (!dirArg) {
  console.log('routing bench skipped: no Solomon instances (set SOLOMON_DIR or pass --dir to a directory of C101.txt ... RC208.txt)');
  process.exit(0);
}
const dir = isAbsolute(dirArg) ? dirArg : resolve(process.env.INIT_CWD ?? process.cwd(), dirArg);
if (!existsSync(dir)) {
  console.log(`routing bench skipped: ${dir} does not exist`);
  process.exit(0);
}
const files = readdirSync(dir)
  .filter((f) => /\.txt$/i.test(f))
  .filter((f) => !only || only.some((o) => basename(f, '.txt').toUpperCase().startsWith(o)))
  .sort();
console.log(`Solomon VRPTW, ${files.length} instances from ${dir}, ${timeLimitMs} ms each, seed ${seed}`);
console.log('instance  distance   best known  gap %    vehicles  time s  iterations');
const gaps: number[] = [];
let infeasible = 0;
for (const file of files) {
  const name = basename(file, '.txt').toUpperCase();
  const inst = parseSolomon(readFileSync(join(dir, file), 'utf8'));
  const solution = solve(solomonProblem(inst), { timeLimitMs, seed });
  const routes = solution.routes.map((r) => r.stops.map((s) => Number(s.stopId)));
  const check = checkSolomon(inst, routes);
  const best = SOLOMON_BEST_KNOWN[name]?.distance;
  const gap = best === undefined ? NaN : ((check.distance - best) / best) * 100;
  if (check.errors.length > 0) infeasible++;
  else if (Number.isFinite(gap)) gaps.push(gap);
  console.log(
    [
      name.padEnd(8),
      check.distance.toFixed(2).padStart(9),
      (best?.toFixed(2) ?? '?').padStart(11),
      (check.errors.length > 0 ? 'INFEASIBLE' : gap.toFixed(2)).padStart(6),
      `${routes.length}/${SOLOMON_BEST_KNOWN[name]?.vehicles ?? '?'}`.padStart(9),
      (solution.stats.elapsedMs / 1000).toFixed(1).padStart(7),
      String(solution.stats.iterations).padStart(11),
    ].join('  '),
  );
  for (const e of check.errors.slice(0, 5)) console.log(`    ${e}`);
}
const mean = gaps.reduce((a, b) => a + b, 0) / Math.max(1, gaps.length);
const worst = gaps.length ? Math.max(...gaps) : NaN;
console.log(`mean gap ${mean.toFixed(2)}%, worst ${worst.toFixed(2)}%, infeasible ${infeasible} of ${files.length}`);
process.exitCode = infeasible > 0 ? 1 : 0;
