/**
 * The search: construction by insertion, then Slack Induction by String Removals (SISR, Christiaens &
 * Vanden Berghe, Transportation Science 2020): remove a few strings of nearby stops from a few routes,
 * reinsert them best-position-first with "blinks", accept by simulated annealing. The objective is
 * total distance with a large penalty per unassigned stop (assigned stops first, then distance).
 */
import type { Model } from './model';
import { mulberry32 } from './random';
import { simulate } from './schedule';
import { RouteState } from './state';

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
  /** Stops that no allowed vehicle could serve even alone (skipped by the search). */
  hopeless: Uint8Array;
}

/** SISR's published parameters (average removed stops, max string length, split rate and depth, blink rate). */
const AVG_REMOVED = 10;
const MAX_STRING = 10;
const SPLIT_RATE = 0.5;
const SPLIT_DEPTH = 0.01;
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
  private readonly removed: Int32Array;
  private removedCount = 0;
  private readonly touched: Int32Array;
  private touchedCount = 0;
  private readonly touchedStamp: Int32Array;
  private stamp = 0;
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
    this.hopeless = new Uint8Array(n);
    const one = new Int32Array(1);
    for (let k = 0; k < n; k++) {
      one[0] = k;
      let ok = false;
      for (let v = 0; v < V && !ok; v++) ok = m.allowed[k * V + v] === 1 && simulate(m, v, one, 1) !== Infinity;
      this.hopeless[k] = ok ? 0 : 1;
    }
    this.neighbourCount = Math.min(Math.max(n - 1, 0), NEIGHBOURS);
    this.neighbours = new Int32Array(n * this.neighbourCount);
    const L = m.locations;
    const idx = Array.from({ length: n }, (_, i) => i);
    for (let k = 0; k < n; k++) {
      const lk = m.stopLoc[k]!;
      const sorted = idx.filter((j) => j !== k).sort((x, y) => m.dist[lk * L + m.stopLoc[x]!]! - m.dist[lk * L + m.stopLoc[y]!]! || x - y);
      for (let j = 0; j < this.neighbourCount; j++) this.neighbours[k * this.neighbourCount + j] = sorted[j]!;
    }
    this.depotDist = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      let d = Infinity;
      for (let v = 0; v < V; v++) d = Math.min(d, m.dist[m.vStart[v]! * L + m.stopLoc[k]!]!);
      this.depotDist[k] = d;
    }
    this.removed = new Int32Array(n);
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
  private bestRoute(s: RouteState, k: number, blink: number): number {
    const m = this.m;
    const V = m.vehicleCount;
    let best = Infinity;
    let bestR = -1;
    let bestP = -1;
    const tick = ++this.classTick;
    const canOpen = s.usedRoutes() < this.maxVehicles;
    for (let r = 0; r < V; r++) {
      if (m.allowed[k * V + r] === 0) continue;
      if (s.len[r] === 0) {
        if (!canOpen) continue;
        const cls = m.vehicleClass[r]!;
        if (this.classStamp[cls] === tick) continue;
        this.classStamp[cls] = tick;
      }
      const d = s.bestInRoute(k, r, blink, this.rand);
      if (d < best) {
        best = d;
        bestR = r;
        bestP = s.bestPos;
      }
    }
    if (bestR >= 0) s.bestPos = bestP;
    return bestR;
  }

  /** Inserts the stops in `this.removed` plus every other unassigned stop, in SISR's orders. */
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
    const list = Array.from(this.order.subarray(0, count)).sort((x, y) => keys[x]! - keys[y]! || x - y);
    for (const k of list) {
      const r = this.bestRoute(s, k, blink);
      if (r < 0) continue;
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

  private removeStop(s: RouteState, k: number): void {
    if (this.m.fixed[k]) return;
    s.remove(k);
    this.removed[this.removedCount++] = k;
  }

  /** SISR's ruin: strings (or split strings) of stops near a random seed stop, from a few routes. */
  ruin(s: RouteState): void {
    const m = this.m;
    const rand = this.rand;
    let assigned = 0;
    let used = 0;
    for (let r = 0; r < m.vehicleCount; r++) {
      if (s.len[r]! > 0) used++;
      assigned += s.len[r]!;
    }
    if (assigned === 0) return;
    const lsMax = Math.min(MAX_STRING, assigned / used);
    const ksMax = (4 * AVG_REMOVED) / (1 + lsMax) - 1;
    const ks = Math.floor(rand() * ksMax) + 1;
    let seed = Math.floor(rand() * m.n);
    for (let tries = 0; s.routeOf[seed] === -1 && tries < m.n; tries++) seed = (seed + 1) % m.n;
    let ruined = 0;
    const nc = this.neighbourCount;
    for (let j = -1; j < nc && ruined < ks; j++) {
      const c = j < 0 ? seed : this.neighbours[seed * nc + j]!;
      const r = s.routeOf[c]!;
      if (r < 0 || this.touchedStamp[r] === this.stamp) continue;
      this.touch(r);
      ruined++;
      const len = s.len[r]!;
      const lMax = Math.min(len, lsMax);
      const l = Math.floor(rand() * lMax) + 1;
      const pos = s.posOf[c]!;
      const base = r * s.stride;
      if (rand() < SPLIT_RATE && len > l) {
        let keep = 1;
        while (l + keep < len && rand() > SPLIT_DEPTH) keep++;
        const total = l + keep;
        const lo = Math.max(1, pos - total + 1);
        const hi = Math.min(pos, len - total + 1);
        const start = lo + Math.floor(rand() * (hi - lo + 1));
        const keepAt = Math.floor(rand() * (l + 1));
        const victims: number[] = [];
        for (let i = 0; i < total; i++) if (i < keepAt || i >= keepAt + keep) victims.push(s.nodes[base + start + i]!);
        for (const k of victims) this.removeStop(s, k);
      } else {
        const lo = Math.max(1, pos - l + 1);
        const hi = Math.min(pos, len - l + 1);
        const start = lo + Math.floor(rand() * (hi - lo + 1));
        const victims: number[] = [];
        for (let i = 0; i < l; i++) victims.push(s.nodes[base + start + i]!);
        for (const k of victims) this.removeStop(s, k);
      }
      s.update(r);
    }
  }

  run(opts: SearchOptions): SearchResult {
    const m = this.m;
    const t0 = performance.now();
    const cur = new RouteState(m);
    this.placeFixed(cur);
    this.stamp++;
    this.touchedCount = 0;
    this.recreate(cur, 0);
    let curCost = this.objective(cur);
    const best = new RouteState(m);
    best.copyAll(cur);
    let bestCost = curCost;
    const work = new RouteState(m);
    work.copyAll(cur);
    const t0Temp = this.startTemperature();
    const tfTemp = t0Temp / 100;
    let iterations = 0;
    let elapsed = 0;
    let lastReport = 0;
    const limited = Number.isFinite(opts.timeLimitMs);
    while (iterations < opts.maxIterations) {
      elapsed = performance.now() - t0;
      if (elapsed >= opts.timeLimitMs) break;
      const frac = limited ? elapsed / opts.timeLimitMs : iterations / opts.maxIterations;
      const temp = t0Temp * Math.pow(tfTemp / t0Temp, frac);
      iterations++;
      this.stamp++;
      this.touchedCount = 0;
      this.removedCount = 0;
      this.ruin(work);
      this.recreate(work, BLINK);
      const cost = this.objective(work);
      if (cost < curCost - temp * Math.log(this.rand())) {
        for (let i = 0; i < this.touchedCount; i++) cur.copyRoute(work, this.touched[i]!);
        curCost = cost;
        if (cost < bestCost - 1e-9) {
          bestCost = cost;
          best.copyAll(cur);
        }
      } else {
        for (let i = 0; i < this.touchedCount; i++) work.copyRoute(cur, this.touched[i]!);
      }
      if (opts.onProgress && elapsed - lastReport >= 250) {
        lastReport = elapsed;
        opts.onProgress({ elapsedMs: elapsed, best: bestCost, iterations });
      }
    }
    return { state: best, iterations, elapsedMs: performance.now() - t0, hopeless: this.hopeless };
  }

  /** Starting temperature: a fraction of the mean distance from a stop to its nearest neighbours. */
  private startTemperature(): number {
    const m = this.m;
    const L = m.locations;
    const nn = Math.min(5, this.neighbourCount);
    let sum = 0;
    let cnt = 0;
    for (let k = 0; k < m.n; k++)
      for (let j = 0; j < nn; j++) {
        sum += m.dist[m.stopLoc[k]! * L + m.stopLoc[this.neighbours[k * this.neighbourCount + j]!]!]!;
        cnt++;
      }
    return cnt > 0 && sum > 0 ? (sum / cnt) * TEMPERATURE_SCALE : 1;
  }
}

export const TEMPERATURE_SCALE = 1;
