/** Generated problems for the tests: points on a 100×100 plane, Euclidean minutes, seeded. */
import { mulberry32 } from './random';
import type { Problem, Stop, Vehicle } from './types';

export function plane(points: [number, number][]): number[][] {
  return points.map(([x1, y1]) => points.map(([x2, y2]) => Math.hypot(x1 - x2, y1 - y2)));
}

/** `stops` customers with windows of `windowWidth` minutes in a day of 0..600, `vehicles` from a depot at the centre. */
export function randomProblem(opts: { stops: number; vehicles: number; seed: number; windowWidth?: number; capacity?: number }): Problem {
  const rand = mulberry32(opts.seed);
  const points: [number, number][] = [[50, 50]];
  const stops: Stop[] = [];
  for (let i = 0; i < opts.stops; i++) {
    points.push([Math.round(rand() * 100), Math.round(rand() * 100)]);
    const width = opts.windowWidth ?? 120;
    const start = Math.round(rand() * (540 - width)) + 30;
    stops.push({
      id: `s${i + 1}`,
      location: i + 1,
      windows: [{ start, end: start + width }],
      service: 10,
      demand: 1 + Math.floor(rand() * 9),
    });
  }
  const vehicles: Vehicle[] = Array.from({ length: opts.vehicles }, (_, i) => ({
    id: `v${i + 1}`,
    start: 0,
    end: 0,
    shift: { start: 0, end: 660 },
    capacity: opts.capacity,
  }));
  return { vehicles, stops, travel: plane(points) };
}
