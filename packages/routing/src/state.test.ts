import { describe, expect, it } from 'vitest';
import { randomProblem } from './fixtures';
import { compile } from './model';
import { mulberry32 } from './random';
import { RouteState } from './state';

describe('RouteState', () => {
  it('keeps the same schedule after an insertion as a full recomputation', () => {
    const m = compile(randomProblem({ stops: 60, vehicles: 4, seed: 21, windowWidth: 200 }));
    const s = new RouteState(m);
    const full = new RouteState(m);
    const rand = mulberry32(5);
    for (let k = 0; k < m.n; k++) {
      const r = Math.floor(rand() * m.vehicleCount);
      s.insert(k, r, Math.floor(rand() * (s.len[r]! + 1)));
      full.copyAll(s);
      full.update(r);
      const base = r * s.stride;
      const end = base + s.len[r]! + 2;
      expect(Array.from(s.dep.subarray(base, end))).toEqual(Array.from(full.dep.subarray(base, end)));
      expect(Array.from(s.la.subarray(base, end))).toEqual(Array.from(full.la.subarray(base, end)));
      expect(s.cost[r]).toBeCloseTo(full.cost[r]!, 9);
      expect(s.load[r]).toBe(full.load[r]);
      for (let p = 1; p <= s.len[r]!; p++) expect(s.posOf[s.nodes[base + p]!]).toBe(p);
    }
  });
});
