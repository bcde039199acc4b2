/**
 * Routes of one candidate plan in flat typed arrays, with what O(1) insertion checks need: for each
 * position p of route r, the earliest departure dep[p] (forward pass) and the latest arrival la[p]
 * that keeps the rest of the route feasible (backward pass). Position 0 is the vehicle's start,
 * positions 1..len its stops, len+1 its end. Vehicles with a break are checked by exact simulation.
 */
import { earliestStart, latestArrival, type Model } from './model';
import { simulate } from './schedule';

export class RouteState {
  readonly m: Model;
  readonly stride: number;
  readonly nodes: Int32Array;
  readonly len: Int32Array;
  readonly load: Float64Array;
  readonly cost: Float64Array;
  readonly dep: Float64Array;
  readonly la: Float64Array;
  readonly routeOf: Int32Array;
  readonly posOf: Int32Array;
  /** Scratch sequence for simulating vehicles with a break. */
  private readonly scratch: Int32Array;
  /** Set by bestInRoute: position after which the stop goes. */
  bestPos = -1;

  constructor(m: Model) {
    this.m = m;
    this.stride = m.n + 2;
    const V = m.vehicleCount;
    this.nodes = new Int32Array(V * this.stride);
    this.len = new Int32Array(V);
    this.load = new Float64Array(V);
    this.cost = new Float64Array(V);
    this.dep = new Float64Array(V * this.stride);
    this.la = new Float64Array(V * this.stride);
    this.routeOf = new Int32Array(m.n).fill(-1);
    this.posOf = new Int32Array(m.n).fill(-1);
    this.scratch = new Int32Array(m.n + 1);
    for (let r = 0; r < V; r++) this.update(r);
  }

  /** Total distance over all routes. */
  total(): number {
    let s = 0;
    for (let r = 0; r < this.m.vehicleCount; r++) s += this.cost[r]!;
    return s;
  }

  usedRoutes(): number {
    let u = 0;
    for (let r = 0; r < this.m.vehicleCount; r++) if (this.len[r]! > 0) u++;
    return u;
  }

  /** Location at position p of route r. */
  locAt(r: number, p: number): number {
    const len = this.len[r]!;
    if (p === 0) return this.m.vStart[r]!;
    if (p === len + 1) return this.m.vEnd[r]!;
    return this.m.stopLoc[this.nodes[r * this.stride + p]!]!;
  }

  /** Recomputes cost, load and the forward/backward schedule of route r. */
  update(r: number): void {
    const m = this.m;
    const T = m.time;
    const D = m.dist;
    const L = m.locations;
    const base = r * this.stride;
    const len = this.len[r]!;
    let prev = m.vStart[r]!;
    let t = m.shiftStart[r]!;
    let cost = 0;
    let load = 0;
    this.dep[base] = t;
    for (let p = 1; p <= len; p++) {
      const k = this.nodes[base + p]!;
      const loc = m.stopLoc[k]!;
      cost += D[prev * L + loc]!;
      load += m.demand[k]!;
      t = earliestStart(m, k, t + T[prev * L + loc]!) + m.service[k]!;
      this.dep[base + p] = t;
      this.posOf[k] = p;
      this.routeOf[k] = r;
      prev = loc;
    }
    const end = m.vEnd[r]!;
    cost += D[prev * L + end]!;
    this.cost[r] = cost;
    this.load[r] = load;
    let la = m.shiftEnd[r]!;
    this.la[base + len + 1] = la;
    let next = end;
    for (let p = len; p >= 1; p--) {
      const k = this.nodes[base + p]!;
      const loc = m.stopLoc[k]!;
      la = latestArrival(m, k, la - T[loc * L + next]! - m.service[k]!);
      this.la[base + p] = la;
      next = loc;
    }
    this.la[base] = la - T[m.vStart[r]! * L + next]!;
  }

  /** Whether route r as stored is feasible (windows, shift, break, capacity). */
  feasible(r: number): boolean {
    if (this.load[r]! > this.m.capacity[r]!) return false;
    if (this.m.hasBreak[r]) return simulate(this.m, r, this.nodes.subarray(r * this.stride + 1), this.len[r]!) !== Infinity;
    return (
      this.dep[r * this.stride + this.len[r]!]! + this.m.time[this.locAt(r, this.len[r]!) * this.m.locations + this.m.vEnd[r]!]! <=
      this.m.shiftEnd[r]!
    );
  }

  /**
   * Cheapest feasible insertion of stop k into route r: returns the added distance (Infinity if none)
   * and sets bestPos. `blink` in [0,1): probability of skipping each position (SISR's blinks).
   */
  bestInRoute(k: number, r: number, blink: number, rand: () => number): number {
    const m = this.m;
    this.bestPos = -1;
    if (m.allowed[k * m.vehicleCount + r] === 0) return Infinity;
    if (this.load[r]! + m.demand[k]! > m.capacity[r]!) return Infinity;
    if (m.hasBreak[r]) return this.bestInBreakRoute(k, r, blink, rand);
    const T = m.time;
    const D = m.dist;
    const L = m.locations;
    const base = r * this.stride;
    const len = this.len[r]!;
    const kl = m.stopLoc[k]!;
    const svc = m.service[k]!;
    const single = m.winOff[k + 1]! - m.winOff[k]! === 1;
    const a = m.winStart[m.winOff[k]!]!;
    const b = m.winEnd[m.winOff[k + 1]! - 1]!;
    let best = Infinity;
    let prev = m.vStart[r]!;
    for (let p = 0; p <= len; p++) {
      const next = p === len ? m.vEnd[r]! : m.stopLoc[this.nodes[base + p + 1]!]!;
      const d = this.dep[base + p]!;
      if (d > b) break; // departures only grow along a route
      const arr = d + T[prev * L + kl]!;
      const delta = D[prev * L + kl]! + D[kl * L + next]! - D[prev * L + next]!;
      if (arr <= b && delta < best && (blink === 0 || rand() >= blink)) {
        const s = single ? (arr > a ? arr : a) : earliestStart(m, k, arr);
        if (s + svc + T[kl * L + next]! <= this.la[base + p + 1]!) {
          best = delta;
          this.bestPos = p;
        }
      }
      prev = next;
    }
    return best;
  }

  private bestInBreakRoute(k: number, r: number, blink: number, rand: () => number): number {
    const m = this.m;
    const D = m.dist;
    const L = m.locations;
    const base = r * this.stride;
    const len = this.len[r]!;
    const kl = m.stopLoc[k]!;
    const seq = this.scratch;
    let best = Infinity;
    for (let p = 0; p <= len; p++) {
      const prev = this.locAt(r, p);
      const next = this.locAt(r, p + 1);
      const delta = D[prev * L + kl]! + D[kl * L + next]! - D[prev * L + next]!;
      if (delta >= best || (blink > 0 && rand() < blink)) continue;
      for (let i = 0; i < p; i++) seq[i] = this.nodes[base + 1 + i]!;
      seq[p] = k;
      for (let i = p; i < len; i++) seq[i + 1] = this.nodes[base + 1 + i]!;
      if (simulate(m, r, seq, len + 1) !== Infinity) {
        best = delta;
        this.bestPos = p;
      }
    }
    return best;
  }

  /** Inserts stop k after position p of route r and updates the route. */
  insert(k: number, r: number, p: number): void {
    const base = r * this.stride;
    const len = this.len[r]!;
    this.nodes.copyWithin(base + p + 2, base + p + 1, base + len + 1);
    this.nodes[base + p + 1] = k;
    this.len[r] = len + 1;
    this.update(r);
  }

  /** Removes stop k from its route; the route must be updated (update) before the next insertion. */
  remove(k: number): number {
    const r = this.routeOf[k]!;
    const p = this.posOf[k]!;
    const base = r * this.stride;
    const len = this.len[r]!;
    this.nodes.copyWithin(base + p, base + p + 1, base + len + 1);
    this.len[r] = len - 1;
    for (let q = p; q < len; q++) this.posOf[this.nodes[base + q]!] = q;
    this.routeOf[k] = -1;
    this.posOf[k] = -1;
    return r;
  }

  /** Makes route r a copy of route r in `from`. */
  copyRoute(from: RouteState, r: number): void {
    const base = r * this.stride;
    for (let p = 1; p <= this.len[r]!; p++) {
      const k = this.nodes[base + p]!;
      if (this.routeOf[k] === r) this.routeOf[k] = -1;
    }
    const len = from.len[r]!;
    const end = base + len + 2;
    this.nodes.set(from.nodes.subarray(base, end), base);
    this.dep.set(from.dep.subarray(base, end), base);
    this.la.set(from.la.subarray(base, end), base);
    this.len[r] = len;
    this.load[r] = from.load[r]!;
    this.cost[r] = from.cost[r]!;
    for (let p = 1; p <= len; p++) {
      const k = this.nodes[base + p]!;
      this.routeOf[k] = r;
      this.posOf[k] = p;
    }
  }

  copyAll(from: RouteState): void {
    this.nodes.set(from.nodes);
    this.len.set(from.len);
    this.load.set(from.load);
    this.cost.set(from.cost);
    this.dep.set(from.dep);
    this.la.set(from.la);
    this.routeOf.set(from.routeOf);
    this.posOf.set(from.posOf);
  }

  /** The stops of route r in order. */
  stopsOf(r: number): number[] {
    const out: number[] = [];
    for (let p = 1; p <= this.len[r]!; p++) out.push(this.nodes[r * this.stride + p]!);
    return out;
  }
}
