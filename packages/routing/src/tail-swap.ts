/**
 * 2-opt* (Potvin & Rousseau 1995): swap the tails of two routes, r1 after position p1 with r2 after
 * p2, checked in O(1) per pair with the routes' departure and latest-arrival arrays. The move that
 * ruin-and-recreate lacks: it joins two half-empty routes into one (then the leftover stop moves on).
 * Only between vehicles of one class (same start, end, shift, capacity, skills) without a break; a
 * tail holding a pinned stop stays where it is.
 */
import type { RouteState } from './state';

export class TailSwap {
  private readonly prefix1: Float64Array;
  private readonly prefix2: Float64Array;
  private readonly buffer: Int32Array;

  constructor(private readonly s: RouteState) {
    this.prefix1 = new Float64Array(s.stride);
    this.prefix2 = new Float64Array(s.stride);
    this.buffer = new Int32Array(s.stride * 2);
  }

  private prefixLoads(r: number, out: Float64Array): number {
    const { m, nodes, stride, len } = this.s;
    let load = 0;
    let lastPinned = 0;
    out[0] = 0;
    for (let p = 1; p <= len[r]!; p++) {
      const k = nodes[r * stride + p]!;
      load += m.demand[k]!;
      out[p] = load;
      if (m.pinned[k] !== -1) lastPinned = p;
    }
    return lastPinned;
  }

  /**
   * The best tail swap of route r1 with any other route of its class (and one empty one when
   * `canOpen`); applies it and returns the other route, or -1 when none is feasible.
   * `improvingOnly`: only a move that shortens the plan.
   */
  apply(r1: number, canOpen: boolean, improvingOnly: boolean): number {
    const s = this.s;
    const m = s.m;
    if (m.hasBreak[r1]) return -1;
    const V = m.vehicleCount;
    const L = m.locations;
    const D = m.dist;
    const T = m.time;
    const len1 = s.len[r1]!;
    const pin1 = this.prefixLoads(r1, this.prefix1);
    const cls = m.vehicleClass[r1]!;
    const cap = m.capacity[r1]!;
    const b1 = r1 * s.stride;
    let best = improvingOnly ? -1e-9 : Infinity;
    let bestR = -1;
    let bestP1 = -1;
    let bestP2 = -1;
    let emptyTried = false;
    for (let r2 = 0; r2 < V; r2++) {
      if (r2 === r1 || m.vehicleClass[r2] !== cls) continue;
      const len2 = s.len[r2]!;
      if (len2 === 0) {
        if (!canOpen || emptyTried || len1 === 0) continue;
        emptyTried = true;
      }
      const pin2 = this.prefixLoads(r2, this.prefix2);
      const b2 = r2 * s.stride;
      const load1 = this.prefix1[len1]!;
      const load2 = this.prefix2[len2]!;
      for (let p1 = pin1; p1 <= len1; p1++) {
        const a1 = s.locAt(r1, p1);
        const n1 = s.locAt(r1, p1 + 1);
        const dep1 = s.dep[b1 + p1]!;
        const la1 = s.la[b1 + p1 + 1]!;
        const keep1 = this.prefix1[p1]!;
        const old1 = D[a1 * L + n1]!;
        for (let p2 = pin2; p2 <= len2; p2++) {
          if (p1 === len1 && p2 === len2) continue;
          if ((p1 === 0 && p2 === 0) || (p1 === len1 && p2 === 0 && len1 === 0)) continue;
          const a2 = s.locAt(r2, p2);
          const n2 = s.locAt(r2, p2 + 1);
          const delta = D[a1 * L + n2]! + D[a2 * L + n1]! - old1 - D[a2 * L + n2]!;
          if (delta >= best) continue;
          const keep2 = this.prefix2[p2]!;
          if (keep1 + load2 - keep2 > cap || keep2 + load1 - keep1 > cap) continue;
          if (dep1 + T[a1 * L + n2]! > s.la[b2 + p2 + 1]!) continue;
          if (s.dep[b2 + p2]! + T[a2 * L + n1]! > la1) continue;
          best = delta;
          bestR = r2;
          bestP1 = p1;
          bestP2 = p2;
        }
      }
    }
    if (bestR < 0) return -1;
    this.swap(r1, bestP1, bestR, bestP2);
    return bestR;
  }

  private swap(r1: number, p1: number, r2: number, p2: number): void {
    const s = this.s;
    const b1 = r1 * s.stride;
    const b2 = r2 * s.stride;
    const len1 = s.len[r1]!;
    const len2 = s.len[r2]!;
    const tail1 = len1 - p1;
    const tail2 = len2 - p2;
    const buf = this.buffer;
    buf.set(s.nodes.subarray(b1 + p1 + 1, b1 + len1 + 1), 0);
    s.nodes.copyWithin(b1 + p1 + 1, b2 + p2 + 1, b2 + len2 + 1);
    s.nodes.set(buf.subarray(0, tail1), b2 + p2 + 1);
    s.len[r1] = p1 + tail2;
    s.len[r2] = p2 + tail1;
    s.update(r1);
    s.update(r2);
  }
}
