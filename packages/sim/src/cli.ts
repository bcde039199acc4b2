/**
 * `pnpm sim [--scenario file.json] [--policy seed,route-aware,planned] [--seed N] [--quick] [--json] [--out dir]`
 *
 * Simulates a metro's day through the real system and reports dispatch quality per policy: a
 * progress bar on stderr, a table on stdout (with --json the last stdout line is one JSON object),
 * and the results and an SVG chart written to --out (default packages/sim/results). Exit 1 when a
 * run broke an invariant (a double booking, an integrity breach, a job unaccounted for), 2 on bad input.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chartSvg } from './chart';
import { metroDay } from './metro';
import { parsePolicies } from './policies';
import { jsonResult, table } from './report';
import { invariantProblems, runScenario } from './run';
import { stopServers } from './world';
import { loadScenario, parseScenario, ScenarioError, type Scenario } from './scenario';

const DEFAULT_OUT = new URL('../results/', import.meta.url).pathname;

function progressBar(): (policy: string, fraction: number) => void {
  let last = '';
  return (policy, fraction) => {
    const width = 30;
    const filled = Math.round(fraction * width);
    const text = `[sim] ${policy.padEnd(11)} ${'#'.repeat(filled)}${'.'.repeat(width - filled)} ${String(Math.round(fraction * 100)).padStart(3)}%`;
    if (text === last) return;
    if (process.stderr.isTTY) process.stderr.write(`\r${text}${fraction >= 1 ? '\n' : ''}`);
    else if (fraction >= 1 || Math.round(fraction * 100) % 10 === 0) process.stderr.write(`${text}\n`);
    last = text;
  };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string' },
      policy: { type: 'string' },
      seed: { type: 'string' },
      quick: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      out: { type: 'string' },
    },
    strict: true,
  });
  const seedText = values.seed ?? '1';
  if (!/^\d{1,9}$/.test(seedText)) throw new UsageError(`--seed must be a whole number, not "${seedText}"`);
  const policies = parsePolicies(values.policy);
  let scenario: Scenario;
  if (values.scenario) scenario = loadScenario(values.scenario);
  else scenario = parseScenario(metroDay({ seed: Number(seedText), quick: values.quick }), 'built-in day');
  const seed = values.seed !== undefined ? Number(seedText) : (scenario.seed ?? 1);

  const outcomes = await runScenario(scenario, { policies, seed, onProgress: progressBar() });
  const result = jsonResult(scenario.name, outcomes);
  const out = resolve(values.out ?? DEFAULT_OUT);
  const slug =
    scenario.name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'scenario';
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, `${slug}.json`), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(join(out, `${slug}.svg`), chartSvg(scenario.name, outcomes));
  console.log(table(scenario.name, outcomes));
  console.log(`\nwritten: ${join(out, `${slug}.json`)}, ${join(out, `${slug}.svg`)}`);
  const problems = invariantProblems(outcomes);
  for (const problem of problems) console.error(`[sim] INVARIANT BROKEN: ${problem}`);
  if (values.json) console.log(JSON.stringify(result));
  return problems.length ? 1 : 0;
}

class UsageError extends Error {}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    stopServers();
    process.exit(130);
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const usage = error instanceof UsageError || (error instanceof Error && error.message.startsWith('--'));
    if (error instanceof ScenarioError || usage || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`[sim] ${(error as Error).message}`);
      process.exit(2);
    }
    console.error(error);
    process.exit(1);
  },
);
