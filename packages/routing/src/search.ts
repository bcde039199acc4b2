/**
 * The search: insertion, then simulated annealing over SISR ruin-and-recreate (ruin.ts), 2-opt* and
 * 2-opt (see README). Objective: distance plus a large penalty per unassigned stop.
 */
import type { Model } from './model';
import { mulberry32 } from './random';
import { depotDistances, hopelessStops, meanNearDistance, nearestStops } from './precompute';
import { ruinStrings } from './ruin';
import { RouteState } from './state';
import { TailSwap } from './tail-swap';
import { TwoOpt } from './two-opt';

export interface SearchOptions {
  timeLimitMs: number;
  maxIterations: number;
  seed: number;
  maxVehicles: number;
  onProgress?: (p: { elapsedMs: number; best: number; iterations: number }) => void;
}

export interface SearchResult {
  state: RouteState;
  iterations: number;
  elapsedMs: number;
}

/** SISR's blink rate: each insertion position is skipped with this probability. */
const BLINK = 0.01;
const NEIGHBOURS = 200;

export class Search {
  readonly m: Model;
  readonly rand: () => number;
  readonly hopeless: Uint8Array;
  readonly penalty: number;
  readonly neighbours: Int32Array;
  readonly neighbourCount: number;
  readonly depotDist: Float64Array;
  readonly maxVehicles: number;
  private readonly touched: Int32Array;
  private touchedCount = 0;
  private readonly touchedStamp: Int32Array;
  private stamp = 0;
  /** Added to the cost of opening an empty route (high while constructing: fill routes before opening one). */
  private openCost = 0;
  private tailSwap: TailSwap | undefined;
  private tailSwapState: RouteState | undefined;
  private twoOpt: TwoOpt | undefined;
  private twoOptState: RouteState | undefined;
  private readonly classStamp: Int32Array;
  private classTick = 0;
  private readonly order: Int32Array;
  private readonly keys: Float64Array;

  constructor(m: Model, seed: number, maxVehicles: number) {
    this.m = m;
    this.rand = mulberry32(seed);
    this.maxVehicles = maxVehicles;
    const { n, vehicleCount: V } = m;
    this.penalty = (n + V + 1) * (m.maxDist + 1);
    this.hopeless = hopelessStops(m);
    this.neighbourCount = Math.min(Math.max(n - 1, 0), NEIGHBOURS);
    this.neighbours = nearestStops(m, this.neighbourCount);
    this.depotDist = depotDistances(m);
    this.touched = new Int32Array(V);
    this.touchedStamp = new Int32Array(V);
    this.classStamp = new Int32Array(V);
    this.order = new Int32Array(n);
    this.keys = new Float64Array(n);
  }

  objective(s: RouteState): number {
    let unassigned = 0;
    for (let k = 0; k < this.m.n; k++) if (s.routeOf[k] === -1 && this.hopeless[k] === 0) unassigned++;
    return s.total() + this.penalty * unassigned;
  }

  /** Places fixed-order stops in their listed order on their vehicle (dropping any that no longer fits). */
  placeFixed(s: RouteState): void {
    const m = this.m;
    for (let k = 0; k < m.n; k++) {
      if (!m.fixed[k] || this.hopeless[k]) continue;
      const r = m.pinned[k]!;
      const len = s.len[r]!;
      s.insert(k, r, len);
      if (!s.feasible(r)) {
        s.remove(k);
        s.update(r);
      }
    }
  }

  /** Best insertion of k over all routes (one empty route per vehicle class); returns route or -1. */
  private bestRoute(s: RouteState, k: number, blink: number, canOpen: boolean): number {
    const m = this.m;
    const V = m.vehicleCount;
    let best = Infinity;
    let bestR = -1;
    let bestP = -1;
    const tick = ++this.classTick;
    for (let r = 0; r < V; r++) {
      if (m.allowed[k * V + r] === 0) continue;
      if (s.len[r] === 0) {
        if (!canOpen) continue;
        const cls = m.vehicleClass[r]!;
        if (this.classStamp[cls] === tick) continue;
        this.classStamp[cls] = tick;
      }
      let d = s.bestInRoute(k, r, blink, this.rand);
      if (s.len[r] === 0) d += this.openCost;
      if (d < best) {
        best = d;
        bestR = r;
        bestP = s.bestPos;
      }
    }
    if (bestR >= 0) s.bestPos = bestP;
    return bestR;
  }

  /** Inserts every unassigned stop (those just removed and any left over), in one of SISR's orders. */
  recreate(s: RouteState, blink: number): void {
    const m = this.m;
    let count = 0;
    for (let k = 0; k < m.n; k++) if (s.routeOf[k] === -1 && this.hopeless[k] === 0 && !m.fixed[k]) this.order[count++] = k;
    const u = this.rand() * 11;
    const keys = this.keys;
    for (let i = 0; i < count; i++) {
      const k = this.order[i]!;
      keys[k] = u < 4 ? this.rand() : u < 8 ? -m.demand[k]! : u < 10 ? -this.depotDist[k]! : this.depotDist[k]!;
    }
    const order = this.order;
    for (let i = 1; i < count; i++) {
      // insertion sort by key, then index: a handful of stops per iteration
      const k = order[i]!;
      let j = i - 1;
      while (j >= 0 && (keys[order[j]!]! > keys[k]! || (keys[order[j]!] === keys[k] && order[j]! > k))) {
        order[j + 1] = order[j]!;
        j--;
      }
      order[j + 1] = k;
    }
    let used = s.usedRoutes();
    for (let i = 0; i < count; i++) {
      const k = order[i]!;
      const r = this.bestRoute(s, k, blink, used < this.maxVehicles);
      if (r < 0) continue;
      if (s.len[r] === 0) used++;
      s.insert(k, r, s.bestPos);
      this.touch(r);
    }
  }

  private touch(r: number): void {
    if (this.touchedStamp[r] !== this.stamp) {
      this.touchedStamp[r] = this.stamp;
      this.touched[this.touchedCount++] = r;
    }
  }

  private readonly ruinHooks = { isTouched: (r: number) => this.touchedStamp[r] === this.stamp, touch: (r: number) => this.touch(r) };

  /** A 2-opt* move from a random non-empty route (the best one, improving or not; annealing decides). */
  private tailSwapMove(s: RouteState): void {
    if (!this.tailSwap || this.tailSwapState !== s) {
      this.tailSwap = new TailSwap(s);
      this.tailSwapState = s;
    }
    let r = Math.floor(this.rand() * this.m.vehicleCount);
    for (let i = 0; i < this.m.vehicleCount && s.len[r] === 0; i++) r = (r + 1) % this.m.vehicleCount;
    if (s.len[r] === 0) return;
    const other = this.tailSwap.apply(r, s.usedRoutes() < this.maxVehicles, false);
    if (other >= 0) {
      this.touch(r);
      this.touch(other);
    }
  }

  /** 2-opt descent on every route this iteration changed. */
  private uncross(s: RouteState): void {
    if (!this.twoOpt || this.twoOptState !== s) {
      this.twoOpt = new TwoOpt(s);
      this.twoOptState = s;
    }
    for (let i = 0; i < this.touchedCount; i++) this.twoOpt.descend(this.touched[i]!);
  }

  /**
   * Independent annealing runs (TUNING.runs) sharing the budget, each from its own construction
   * (alternately filling routes before opening one, and plain cheapest insertion); the best plan wins.
   * Several shorter runs trade a little average quality for fewer runs stuck in a poor basin.
   */
  run(opts: SearchOptions): SearchResult {
    const m = this.m;
    const t0 = performance.now();
    const best = new RouteState(m);
    const cur = new RouteState(m);
    const work = new RouteState(m);
    const progress = { best: Infinity, iterations: 0, lastReport: 0, t0 };
    const runs = Math.max(1, TUNING.runs);
    for (let run = 0; run < runs; run++) {
      const until = Number.isFinite(opts.timeLimitMs) ? (opts.timeLimitMs * (run + 1)) / runs : Infinity;
      const iterationsTo = Number.isFinite(opts.maxIterations) ? Math.floor((opts.maxIterations * (run + 1)) / runs) : Infinity;
      if (run > 0 && (performance.now() - t0 >= until || progress.iterations >= iterationsTo)) continue;
      cur.copyAll(new RouteState(m));
      this.construct(cur, run % 2 === 0);
      const cost = this.anneal(cur, work, best, opts, progress, until, iterationsTo);
      if (cost < progress.best - 1e-9) {
        progress.best = cost;
        best.copyAll(cur);
      }
    }
    return { state: best, iterations: progress.iterations, elapsedMs: performance.now() - t0 };
  }

  private construct(cur: RouteState, fillFirst: boolean): void {
    this.placeFixed(cur);
    this.stamp++;
    this.touchedCount = 0;
    this.openCost = fillFirst ? this.penalty / 4 : 0;
    this.recreate(cur, 0);
    this.openCost = 0;
  }

  /**
   * Simulated annealing from `cur` until `until` ms after the start or `iterationsTo` iterations in
   * all; leaves the run's best plan in `cur` and returns its cost (updating the overall best as it goes).
   */
  private anneal(
    cur: RouteState,
    work: RouteState,
    best: RouteState,
    opts: SearchOptions,
    progress: { best: number; iterations: number; lastReport: number; t0: number },
    until: number,
    iterationsTo: number,
  ): number {
    const m = this.m;
    let curCost = this.objective(cur);
    const runBest = new RouteState(m);
    runBest.copyAll(cur);
    let runBestCost = curCost;
    work.copyAll(cur);
    const t0Temp = meanNearDistance(m, this.neighbours, this.neighbourCount, 5) * TUNING.startTemperatureScale;
    const tfTemp = t0Temp * TUNING.finalTemperatureRatio;
    const startMs = performance.now() - progress.t0;
    const startIterations = progress.iterations;
    const limited = Number.isFinite(until);
    while (progress.iterations < iterationsTo) {
      const elapsed = performance.now() - progress.t0;
      if (elapsed >= until) break;
      const frac = limited
        ? (elapsed - startMs) / (until - startMs)
        : (progress.iterations - startIterations) / (iterationsTo - startIterations);
      const temp = t0Temp * Math.pow(tfTemp / t0Temp, frac);
      progress.iterations++;
      this.stamp++;
      this.touchedCount = 0;
      const move = this.rand();
      if (move < TUNING.tailSwapRate) this.tailSwapMove(work);
      else ruinStrings(work, this.rand, this.neighbours, this.neighbourCount, this.ruinHooks);
      this.recreate(work, BLINK);
      if (move > 1 - TUNING.twoOptRate) this.uncross(work);
      const cost = this.objective(work);
      if (cost < curCost - temp * Math.log(this.rand())) {
        for (let i = 0; i < this.touchedCount; i++) cur.copyRoute(work, this.touched[i]!);
        curCost = cost;
        if (cost < runBestCost - 1e-9) {
          runBestCost = cost;
          runBest.copyAll(cur);
          if (cost < progress.best - 1e-9) {
            progress.best = cost;
            best.copyAll(cur);
          }
        }
      } else {
        for (let i = 0; i < this.touchedCount; i++) work.copyRoute(cur, this.touched[i]!);
      }
      if (opts.onProgress && elapsed - progress.lastReport >= 250) {
        progress.lastReport = elapsed;
        opts.onProgress({ elapsedMs: elapsed, best: progress.best, iterations: progress.iterations });
      }
    }
    cur.copyAll(runBest);
    return runBestCost;
  }
}

/**
 * Annealing from the mean distance between a stop and its 5 nearest (× startTemperatureScale) down to
 * finalTemperatureRatio of that; the share of iterations that try a 2-opt* move instead of a ruin.
 * Chosen on Solomon's instances; the bench may override them (`--t0`, `--tf`, `--tail-swap`).
 */
export const TUNING = {
  startTemperatureScale: 1,
  finalTemperatureRatio: 0.01,
  tailSwapRate: 0.05,
  twoOptRate: 0.05,
  runs: 2,
};
