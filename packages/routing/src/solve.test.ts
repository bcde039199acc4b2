import { describe, expect, it } from 'vitest';
import { plane, randomProblem } from './fixtures';
import { solve } from './solve';
import type { Problem } from './types';
import { verify } from './verify';

const quick = { maxIterations: 300, seed: 7 };

describe('solve', () => {
  it('plans every stop of a loose instance with every route feasible', () => {
    const problem = randomProblem({ stops: 60, vehicles: 8, seed: 1, capacity: 100 });
    const solution = solve(problem, quick);
    expect(verify(problem, solution)).toEqual([]);
    expect(solution.unassigned).toEqual([]);
    expect(solution.totals.assigned).toBe(60);
  });

  it('keeps tight windows, capacities and the shift end on generated instances', () => {
    for (const seed of [2, 3, 4]) {
      const problem = randomProblem({ stops: 50, vehicles: 6, seed, windowWidth: 30, capacity: 40 });
      const solution = solve(problem, quick);
      expect(verify(problem, solution)).toEqual([]);
      for (const route of solution.routes) {
        const load = route.stops.reduce((sum, s) => sum + (problem.stops.find((x) => x.id === s.stopId)!.demand ?? 0), 0);
        expect(load).toBeLessThanOrEqual(40);
        expect(route.end).toBeLessThanOrEqual(660);
      }
    }
  });

  it('improves on the first plan as it searches', () => {
    const problem = randomProblem({ stops: 60, vehicles: 10, seed: 5 });
    const first = solve(problem, { maxIterations: 1, seed: 1 });
    const searched = solve(problem, { maxIterations: 2000, seed: 1 });
    expect(searched.totals.distance).toBeLessThan(first.totals.distance);
  });

  it('is deterministic for a seed and an iteration count', () => {
    const problem = randomProblem({ stops: 40, vehicles: 5, seed: 9, windowWidth: 60 });
    const a = solve(problem, { maxIterations: 500, seed: 42 });
    const b = solve(problem, { maxIterations: 500, seed: 42 });
    expect(b.routes).toEqual(a.routes);
    expect(b.stats.iterations).toBe(500);
  });

  it('stops at the time limit with the best plan so far', () => {
    const problem = randomProblem({ stops: 80, vehicles: 10, seed: 11 });
    const solution = solve(problem, { timeLimitMs: 200, seed: 1 });
    expect(solution.stats.elapsedMs).toBeLessThan(1500); // the limit, plus one last iteration on a busy machine
    expect(verify(problem, solution)).toEqual([]);
  });

  it('reports progress', () => {
    const seen: number[] = [];
    solve(randomProblem({ stops: 40, vehicles: 5, seed: 3 }), { timeLimitMs: 600, onProgress: (p) => seen.push(p.best) });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((b, i) => i === 0 || b <= seen[i - 1]!)).toBe(true);
  });

  it('respects maxVehicles', () => {
    const problem = randomProblem({ stops: 30, vehicles: 10, seed: 4, windowWidth: 600 });
    const solution = solve(problem, { ...quick, maxVehicles: 2 });
    expect(solution.routes.length).toBeLessThanOrEqual(2);
    expect(verify(problem, solution)).toEqual([]);
  });
});

/** Two pros from one home at 0 on a line; stops along it. */
function line(): Problem {
  return {
    vehicles: [
      { id: 'ann', start: 0, end: 0, shift: { start: 480, end: 1020 }, skills: ['tv', 'wall'] },
      { id: 'bob', start: 0, end: 0, shift: { start: 480, end: 1020 }, skills: ['tv'], capacity: 5 },
    ],
    stops: [],
    travel: plane([
      [0, 0],
      [10, 0],
      [20, 0],
      [30, 0],
      [400, 0],
    ]),
  };
}

describe('constraints and reasons', () => {
  it('gives a stop only to a pro with every skill it needs', () => {
    const p = line();
    p.stops = [
      { id: 'wall', location: 1, windows: [{ start: 480, end: 1000 }], service: 30, skills: ['wall'] },
      { id: 'tv', location: 2, windows: [{ start: 480, end: 1000 }], service: 30, skills: ['tv'] },
    ];
    const s = solve(p, quick);
    expect(verify(p, s)).toEqual([]);
    const ann = s.routes.find((r) => r.vehicleId === 'ann')!;
    expect(ann.stops.map((x) => x.stopId)).toContain('wall');
  });

  it('explains no-skills, capacity, window-unreachable and out-of-time', () => {
    const p = line();
    p.vehicles = p.vehicles.map((v) => ({ ...v, capacity: 5 }));
    p.stops = [
      { id: 'plumbing', location: 1, windows: [{ start: 480, end: 1000 }], service: 30, skills: ['plumbing'] },
      { id: 'heavy', location: 1, windows: [{ start: 480, end: 1000 }], service: 30, demand: 6 },
      { id: 'far', location: 4, windows: [{ start: 480, end: 1000 }], service: 30 },
      { id: 'early', location: 3, windows: [{ start: 400, end: 490 }], service: 30 },
      { id: 'long1', location: 1, windows: [{ start: 480, end: 500 }], service: 500 },
      { id: 'long2', location: 1, windows: [{ start: 480, end: 500 }], service: 500 },
      { id: 'long3', location: 1, windows: [{ start: 480, end: 500 }], service: 500 },
    ];
    const s = solve(p, quick);
    expect(verify(p, s)).toEqual([]);
    const reasons = Object.fromEntries(s.unassigned.map((u) => [u.stopId, u.reason]));
    const long = s.unassigned.filter((u) => u.stopId.startsWith('long'));
    expect(long.map((u) => u.reason)).toEqual(['out-of-time']); // two pros, three all-day jobs: one is left
    expect(reasons).toMatchObject({ plumbing: 'no-skills', heavy: 'capacity', far: 'window-unreachable', early: 'window-unreachable' });
    expect(s.unassigned).toHaveLength(5);
    for (const u of s.unassigned) expect(u.detail.length).toBeGreaterThan(10);
  });

  it('keeps a pinned stop with its pro and a fixed order as listed', () => {
    const p = line();
    p.stops = [
      { id: 'c', location: 3, windows: [{ start: 480, end: 1000 }], service: 10, pinnedVehicle: 'bob', fixedOrder: true },
      { id: 'a', location: 1, windows: [{ start: 480, end: 1000 }], service: 10, pinnedVehicle: 'bob', fixedOrder: true },
      { id: 'b', location: 2, windows: [{ start: 480, end: 1000 }], service: 10, pinnedVehicle: 'bob' },
      { id: 'd', location: 2, windows: [{ start: 480, end: 1000 }], service: 10 },
    ];
    const s = solve(p, quick);
    expect(verify(p, s)).toEqual([]);
    const bob = s.routes.find((r) => r.vehicleId === 'bob')!.stops.map((x) => x.stopId);
    expect(bob).toContain('b');
    expect(bob.indexOf('c')).toBeLessThan(bob.indexOf('a'));
  });

  it('uses whichever of several windows fits, waiting when early', () => {
    const p = line();
    p.vehicles = [p.vehicles[0]!];
    p.stops = [
      { id: 'x', location: 1, windows: [{ start: 500, end: 505 }], service: 60 },
      {
        id: 'y',
        location: 1,
        windows: [
          { start: 490, end: 495 },
          { start: 700, end: 720 },
        ],
        service: 30,
      },
    ];
    const s = solve(p, quick);
    expect(verify(p, s)).toEqual([]);
    const y = s.routes[0]!.stops.find((x) => x.stopId === 'y')!;
    const x = s.routes[0]!.stops.find((x) => x.stopId === 'x')!;
    expect(x.start).toBe(500);
    expect(x.wait).toBe(10);
    expect(y.start).toBe(700);
  });

  it('takes the break inside its window without overlapping a visit', () => {
    const p = line();
    p.vehicles = [{ ...p.vehicles[0]!, breakTime: { window: { start: 600, end: 660 }, duration: 30 } }];
    p.stops = [1, 2, 3, 1, 2, 3].map((loc, i) => ({ id: `j${i}`, location: loc, windows: [{ start: 480, end: 900 }], service: 45 }));
    const s = solve(p, quick);
    expect(verify(p, s)).toEqual([]);
    expect(s.unassigned).toEqual([]);
    const b = s.routes[0]!.break!;
    expect(b.start).toBeGreaterThanOrEqual(600);
    expect(b.start).toBeLessThanOrEqual(660);
    expect(b.end - b.start).toBe(30);
  });

  it('gives a stop only to the vehicles it lists, and says so when none of them can take it', () => {
    const problem = randomProblem({ stops: 40, vehicles: 6, seed: 13 });
    // Identical vehicles (one class) told apart by the lists: no move may carry a stop to a vehicle it does not list.
    problem.stops = problem.stops.map((stop, i) => ({ ...stop, vehicles: [`v${(i % 3) + 1}`, `v${(i % 3) + 4}`] }));
    problem.stops.push({ id: 'nobody', location: 1, windows: [{ start: 0, end: 600 }], service: 10, skills: ['x'], vehicles: ['v1'] });
    const solution = solve(problem, quick);
    expect(verify(problem, solution)).toEqual([]);
    for (const route of solution.routes) {
      for (const stop of route.stops.map((s) => problem.stops.find((x) => x.id === s.stopId)!)) {
        expect(stop.vehicles).toContain(route.vehicleId);
      }
    }
    expect(solution.unassigned).toEqual([expect.objectContaining({ stopId: 'nobody', reason: 'no-skills' })]);
    expect(() => solve({ ...problem, stops: [{ ...problem.stops[0]!, vehicles: ['zed'] }] })).toThrow(/stops\[0\]\.vehicles\[0\]/);
  });

  it('names the field of malformed input', () => {
    const p = line();
    p.stops = [{ id: 'a', location: 9, windows: [{ start: 0, end: 10 }], service: 1 }];
    expect(() => solve(p)).toThrow(/stops\[0\]\.location/);
    p.stops = [{ id: 'a', location: 1, windows: [], service: 1 }];
    expect(() => solve(p)).toThrow(/stops\[0\]\.windows/);
    p.stops = [{ id: 'a', location: 1, windows: [{ start: 0, end: 10 }], service: 1, pinnedVehicle: 'zed' }];
    expect(() => solve(p)).toThrow(/pinnedVehicle/);
    expect(() => solve({ ...line(), travel: [[0, 1]] })).toThrow(/travel/);
  });
});
