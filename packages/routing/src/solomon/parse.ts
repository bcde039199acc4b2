/**
 * Solomon's VRPTW text format (1987): a name line, `VEHICLE` / `NUMBER CAPACITY` and one row of two
 * numbers, then `CUSTOMER` with a header and rows of `CUST NO. XCOORD. YCOORD. DEMAND READY TIME
 * DUE DATE SERVICE TIME`; the first row is the depot. Solomon's rules: travel time = Euclidean
 * distance, unrounded; service starts within [ready, due]; routes return to the depot by its due date.
 */
import type { Problem } from '../types';

export interface SolomonCustomer {
  id: number;
  x: number;
  y: number;
  demand: number;
  ready: number;
  due: number;
  service: number;
}

export interface SolomonInstance {
  name: string;
  vehicles: number;
  capacity: number;
  depot: SolomonCustomer;
  customers: SolomonCustomer[];
}

export function parseSolomon(text: string): SolomonInstance {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  const name = lines.find((l) => l !== '') ?? '';
  const numeric = lines
    .map((l, i) => ({ i, nums: l.split(/\s+/).map(Number) }))
    .filter((r) => r.nums.length > 0 && r.nums.every((x) => Number.isFinite(x)) && lines[r.i] !== '');
  const fleet = numeric.find((r) => r.nums.length === 2);
  if (!fleet) throw new RangeError('Solomon file: no "NUMBER CAPACITY" row');
  const rows = numeric.filter((r) => r.nums.length === 7);
  if (rows.length < 2) throw new RangeError('Solomon file: needs the depot and at least one customer row of 7 numbers');
  const [vehicles, capacity] = fleet.nums as [number, number];
  const all = rows.map(({ i, nums }) => {
    const [id, x, y, demand, ready, due, service] = nums as [number, number, number, number, number, number, number];
    if (due < ready) throw new RangeError(`Solomon file line ${i + 1}: due date before ready time`);
    return { id, x, y, demand, ready, due, service };
  });
  return { name, vehicles, capacity, depot: all[0]!, customers: all.slice(1) };
}

/** The instance as a Problem: location 0 is the depot, location i the i-th customer row. */
export function solomonProblem(inst: SolomonInstance): Problem {
  const points = [inst.depot, ...inst.customers];
  const travel = points.map((a) => points.map((b) => Math.sqrt((a.x - b.x) ** 2 + (a.y - b.y) ** 2)));
  const shift = { start: inst.depot.ready, end: inst.depot.due };
  return {
    vehicles: Array.from({ length: inst.vehicles }, (_, i) => ({ id: `v${i + 1}`, start: 0, end: 0, shift, capacity: inst.capacity })),
    stops: inst.customers.map((c, i) => ({
      id: String(c.id),
      location: i + 1,
      windows: [{ start: c.ready, end: c.due }],
      service: c.service,
      demand: c.demand,
    })),
    travel,
  };
}
