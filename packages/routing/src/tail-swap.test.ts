import { describe, expect, it } from 'vitest';
import { plane, randomProblem } from './fixtures';
import { compile } from './model';
import { RouteState } from './state';
import { TailSwap } from './tail-swap';

function load(state: RouteState, r: number, stops: number[]): void {
  stops.forEach((k, i) => (state.nodes[r * state.stride + i + 1] = k));
  state.len[r] = stops.length;
  state.update(r);
}

describe('2-opt* tail swap', () => {
  it('joins two half routes going the same way into one', () => {
    // depot at 0; stops along a line at 10, 20, 30, 40; route 0 serves 10 and 30, route 1 serves 20 and 40
    const m = compile({
      vehicles: ['a', 'b'].map((id) => ({ id, start: 0, end: 0, shift: { start: 0, end: 1000 } })),
      stops: [1, 2, 3, 4].map((loc) => ({ id: `s${loc}`, location: loc, windows: [{ start: 0, end: 1000 }], service: 0 })),
      travel: plane([0, 10, 20, 30, 40].map((x) => [x, 0] as [number, number])),
    });
    const s = new RouteState(m);
    load(s, 0, [0, 1]); // 10, 20
    load(s, 1, [2, 3]); // 30, 40
    const before = s.total();
    expect(new TailSwap(s).apply(0, true, true)).toBe(1);
    expect(s.total()).toBeLessThan(before);
    expect(s.stopsOf(0).length + s.stopsOf(1).length).toBe(4);
    expect(s.feasible(0) && s.feasible(1)).toBe(true);
  });

  it('keeps windows and capacity on generated instances', () => {
    const p = randomProblem({ stops: 40, vehicles: 6, seed: 12, windowWidth: 60, capacity: 30 });
    const m = compile(p);
    const s = new RouteState(m);
    // a feasible start: each stop alone when it fits, else left out
    let r = 0;
    for (let k = 0; k < m.n && r < m.vehicleCount; k++) {
      s.insert(k, r, s.len[r]!);
      if (!s.feasible(r)) {
        s.remove(k);
        s.update(r);
        r++;
      }
    }
    const swap = new TailSwap(s);
    for (let i = 0; i < 50; i++) {
      swap.apply(i % m.vehicleCount, true, false);
      for (let v = 0; v < m.vehicleCount; v++) expect(s.feasible(v)).toBe(true);
    }
  });
});
