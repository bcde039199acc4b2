import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { solve } from '../solve';
import { verify } from '../verify';
import { SOLOMON_BEST_KNOWN } from './best-known';
import { checkSolomon } from './check';
import { parseSolomon, solomonProblem } from './parse';

const here = dirname(fileURLToPath(import.meta.url));
const pkg = join(here, '..', '..');
const tinyPath = join(here, 'fixtures', 'tiny.txt');
const tiny = readFileSync(tinyPath, 'utf8');

describe('Solomon instances', () => {
  it('parses the fleet, the depot and the customers', () => {
    const inst = parseSolomon(tiny);
    expect(inst).toMatchObject({ name: 'TINY12', vehicles: 4, capacity: 50 });
    expect(inst.depot).toMatchObject({ id: 0, x: 20, y: 20, due: 300 });
    expect(inst.customers).toHaveLength(12);
  });

  it('solves under Solomon’s rules, re-checked from the file alone', () => {
    const inst = parseSolomon(tiny);
    const problem = solomonProblem(inst);
    const solution = solve(problem, { maxIterations: 2000, seed: 1 });
    expect(verify(problem, solution)).toEqual([]);
    const routes = solution.routes.map((r) => r.stops.map((s) => Number(s.stopId)));
    const check = checkSolomon(inst, routes);
    expect(check.errors).toEqual([]);
    expect(check.distance).toBeCloseTo(solution.totals.distance, 6);
  });

  it('the checker catches a late customer, an overloaded route and a missing customer', () => {
    const inst = parseSolomon(tiny);
    const all = inst.customers.map((c) => c.id);
    const { errors } = checkSolomon(inst, [all.slice(1)]);
    expect(errors.some((e) => /after its due date/.test(e))).toBe(true);
    expect(errors.some((e) => /over capacity/.test(e))).toBe(true);
    expect(errors).toContain('customer 1 is not visited');
  });

  it('has the 56 best-known distances', () => {
    expect(Object.keys(SOLOMON_BEST_KNOWN)).toHaveLength(56);
    expect(SOLOMON_BEST_KNOWN.R101).toEqual({ distance: 1642.88, vehicles: 20 });
  });
});

describe('solomon CLI', () => {
  const run = promisify(execFile);
  const tsx = join(pkg, 'node_modules', '.bin', 'tsx');

  it('prints progress on stderr and the plan as the last stdout line, for a path relative to INIT_CWD', async () => {
    const { stdout, stderr } = await run(tsx, ['src/solomon/cli.ts', 'fixtures/tiny.txt', '--time-limit-ms', '300', '--seed', '3'], {
      cwd: pkg,
      env: { ...process.env, INIT_CWD: join(here) },
    });
    const last = stdout.trim().split('\n').at(-1)!;
    const out = JSON.parse(last) as { routes: number[][]; distance: number };
    expect(out.routes.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(checkSolomon(parseSolomon(tiny), out.routes)).toEqual({ distance: expect.closeTo(out.distance, 6), errors: [] });
    expect(stderr).toMatch(/TINY12: 12 customers/);
  }, 20_000);

  it('accepts an absolute path and refuses an unknown option', async () => {
    const { stdout } = await run(tsx, ['src/solomon/cli.ts', tinyPath, '--time-limit-ms=100'], { cwd: pkg });
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toHaveProperty('distance');
    await expect(run(tsx, ['src/solomon/cli.ts', tinyPath, '--fast'], { cwd: pkg })).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/unknown option --fast/),
    });
  }, 20_000);
});
