/**
 * Intra-route 2-opt: reverse a segment of one route when that shortens it and keeps its windows.
 * Ruin-and-recreate moves a few stops at a time; uncrossing a long route (wide windows, many stops)
 * needs a reversal. O(len²) candidate pairs, each checked by simulating the reversed segment only when
 * it would shorten the route. Skips vehicles with a break and segments holding a fixed-order stop.
 */
import { earliestStart } from './model';
import type { RouteState } from './state';

export class TwoOpt {
  constructor(private readonly s: RouteState) {}

  /** Applies improving reversals to route r until none is left; returns whether the route changed. */
  descend(r: number): boolean {
    let changed = false;
    for (let guard = 0; guard < 1000 && this.improve(r); guard++) changed = true;
    return changed;
  }

  private improve(r: number): boolean {
    const s = this.s;
    const m = s.m;
    if (m.hasBreak[r]) return false;
    const L = m.locations;
    const D = m.dist;
    const T = m.time;
    const base = r * s.stride;
    const len = s.len[r]!;
    let best = -1e-9;
    let bi = -1;
    let bj = -1;
    for (let i = 1; i < len; i++) {
      if (m.fixed[s.nodes[base + i]!]) continue;
      const a = s.locAt(r, i - 1);
      const first = m.stopLoc[s.nodes[base + i]!]!;
      let fwd = 0;
      let bwd = 0;
      for (let j = i + 1; j <= len; j++) {
        const kj = s.nodes[base + j]!;
        if (m.fixed[kj]) break;
        const prev = m.stopLoc[s.nodes[base + j - 1]!]!;
        const cur = m.stopLoc[kj]!;
        fwd += D[prev * L + cur]!;
        bwd += D[cur * L + prev]!;
        const next = s.locAt(r, j + 1);
        const delta = D[a * L + cur]! + bwd + D[first * L + next]! - D[a * L + first]! - fwd - D[cur * L + next]!;
        if (delta >= best) continue;
        // simulate the reversed segment j, j-1, ..., i from the departure at i-1
        let t = s.dep[base + i - 1]!;
        let loc = a;
        let ok = true;
        for (let p = j; p >= i && ok; p--) {
          const k = s.nodes[base + p]!;
          const st = earliestStart(m, k, t + T[loc * L + m.stopLoc[k]!]!);
          if (st === Infinity) ok = false;
          else {
            t = st + m.service[k]!;
            loc = m.stopLoc[k]!;
          }
        }
        if (!ok || t + T[loc * L + next]! > s.la[base + j + 1]!) continue;
        best = delta;
        bi = i;
        bj = j;
      }
    }
    if (bi < 0) return false;
    for (let x = bi, y = bj; x < y; x++, y--) {
      const tmp = s.nodes[base + x]!;
      s.nodes[base + x] = s.nodes[base + y]!;
      s.nodes[base + y] = tmp;
    }
    s.update(r);
    return true;
  }
}
