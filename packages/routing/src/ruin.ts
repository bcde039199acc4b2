/**
 * SISR's ruin (Christiaens & Vanden Berghe 2020): from a random seed stop, walk its nearest stops and
 * cut one string (or a "split string": a string with a kept run in its middle) from each route met,
 * until a few routes are ruined. Fixed-order stops stay. Removed routes are updated before returning.
 */
import type { RouteState } from './state';

/** SISR's published parameters: average removed stops, max string length, split rate and depth. */
const AVG_REMOVED = 10;
const MAX_STRING = 10;
const SPLIT_RATE = 0.5;
const SPLIT_DEPTH = 0.01;

export function ruinStrings(
  s: RouteState,
  rand: () => number,
  neighbours: Int32Array,
  neighbourCount: number,
  hooks: { isTouched(r: number): boolean; touch(r: number): void },
): void {
  const m = s.m;
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
  const nc = neighbourCount;
  for (let j = -1; j < nc && ruined < ks; j++) {
    const c = j < 0 ? seed : neighbours[seed * nc + j]!;
    const r = s.routeOf[c]!;
    if (r < 0 || hooks.isTouched(r)) continue;
    hooks.touch(r);
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
      for (const k of victims) if (!m.fixed[k]) s.remove(k);
    } else {
      const lo = Math.max(1, pos - l + 1);
      const hi = Math.min(pos, len - l + 1);
      const start = lo + Math.floor(rand() * (hi - lo + 1));
      const victims: number[] = [];
      for (let i = 0; i < l; i++) victims.push(s.nodes[base + start + i]!);
      for (const k of victims) if (!m.fixed[k]) s.remove(k);
    }
    s.update(r);
  }
}
