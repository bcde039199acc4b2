/** The solver's entry points. */
import { compile } from './model';
import { toSolution } from './result';
import { Search } from './search';
import type { Problem, Solution, SolveOptions } from './types';

export const DEFAULT_TIME_LIMIT_MS = 1000;

/**
 * Plans routes for `problem`. Deterministic for a seed and an iteration count: with `maxIterations`
 * alone the result depends on nothing else; with a time limit the number of iterations (and so the
 * result) depends on how fast the machine is.
 */
export function solve(problem: Problem, options: SolveOptions = {}): Solution {
  const m = compile(problem);
  const timeLimitMs = options.timeLimitMs ?? (options.maxIterations === undefined ? DEFAULT_TIME_LIMIT_MS : Infinity);
  const maxIterations = options.maxIterations ?? Infinity;
  const maxVehicles = options.maxVehicles ?? m.vehicleCount;
  const search = new Search(m, options.seed ?? 1, maxVehicles);
  const result = search.run({ timeLimitMs, maxIterations, seed: options.seed ?? 1, maxVehicles, onProgress: options.onProgress });
  return toSolution(m, result.state, { iterations: result.iterations, elapsedMs: result.elapsedMs });
}
