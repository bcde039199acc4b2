/**
 * The problem compiled into flat typed arrays for the search: matrices as row-major Float64Arrays,
 * windows sorted and merged, skills and pins folded into one "may serve" table. Validates the input
 * and throws a RangeError naming the field for anything malformed.
 */
import type { Problem } from './types';

export interface Model {
  readonly n: number;
  readonly vehicleCount: number;
  /** Size of the travel matrix (number of locations). */
  readonly locations: number;
  readonly time: Float64Array;
  readonly dist: Float64Array;
  readonly stopLoc: Int32Array;
  readonly service: Float64Array;
  readonly demand: Float64Array;
  /** Windows of stop k: indexes winOff[k] .. winOff[k+1]-1 into winStart / winEnd, sorted, disjoint. */
  readonly winOff: Int32Array;
  readonly winStart: Float64Array;
  readonly winEnd: Float64Array;
  readonly vStart: Int32Array;
  readonly vEnd: Int32Array;
  readonly shiftStart: Float64Array;
  readonly shiftEnd: Float64Array;
  readonly capacity: Float64Array;
  readonly hasBreak: Uint8Array;
  readonly breakStart: Float64Array;
  readonly breakEnd: Float64Array;
  readonly breakDuration: Float64Array;
  /** allowed[k * vehicleCount + v] = 1 when vehicle v has the skills for k, is its pin (if any) and holds its demand. */
  readonly allowed: Uint8Array;
  readonly pinned: Int32Array;
  readonly fixed: Uint8Array;
  /** Vehicles with the same class are interchangeable when empty. */
  readonly vehicleClass: Int32Array;
  /** Largest matrix entry (for the unassigned penalty). */
  readonly maxDist: number;
  readonly problem: Problem;
}

function fail(field: string, why: string): never {
  throw new RangeError(`${field}: ${why}`);
}

function finite(value: unknown, field: string, min = -Infinity): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(field, `must be a finite number (got ${String(value)})`);
  if (value < min) fail(field, `must be at least ${min} (got ${value})`);
  return value;
}

function flatten(matrix: unknown, field: string, size: number): Float64Array {
  if (!Array.isArray(matrix) || matrix.length !== size) fail(field, `must be a ${size}×${size} matrix`);
  const out = new Float64Array(size * size);
  let maxEntry = 0;
  for (let i = 0; i < size; i++) {
    const row: unknown = matrix[i];
    if (!Array.isArray(row) || row.length !== size) fail(`${field}[${i}]`, `must have ${size} entries`);
    for (let j = 0; j < size; j++) {
      const v = finite(row[j], `${field}[${i}][${j}]`, 0);
      out[i * size + j] = v;
      if (v > maxEntry) maxEntry = v;
    }
  }
  return out;
}

export function compile(problem: Problem): Model {
  const { vehicles, stops, travel } = problem;
  if (!Array.isArray(vehicles)) fail('vehicles', 'must be an array');
  if (!Array.isArray(stops)) fail('stops', 'must be an array');
  if (!Array.isArray(travel)) fail('travel', 'must be a square matrix');
  const L = travel.length;
  const time = flatten(travel, 'travel', L);
  const dist = problem.distance === undefined ? time : flatten(problem.distance, 'distance', L);
  let maxDist = 0;
  for (let i = 0; i < dist.length; i++) if (dist[i]! > maxDist) maxDist = dist[i]!;
  const location = (value: unknown, field: string): number => {
    if (!Number.isInteger(value) || (value as number) < 0 || (value as number) >= L) fail(field, `must be a location index in 0..${L - 1}`);
    return value as number;
  };

  const V = vehicles.length;
  const vehicleIndex = new Map<string, number>();
  const vStart = new Int32Array(V);
  const vEnd = new Int32Array(V);
  const shiftStart = new Float64Array(V);
  const shiftEnd = new Float64Array(V);
  const capacity = new Float64Array(V);
  const hasBreak = new Uint8Array(V);
  const breakStart = new Float64Array(V);
  const breakEnd = new Float64Array(V);
  const breakDuration = new Float64Array(V);
  const vehicleClass = new Int32Array(V);
  const classKeys = new Map<string, number>();
  vehicles.forEach((v, i) => {
    const f = `vehicles[${i}]`;
    if (typeof v.id !== 'string' || v.id === '') fail(`${f}.id`, 'must be a non-empty string');
    if (vehicleIndex.has(v.id)) fail(`${f}.id`, `duplicate vehicle id "${v.id}"`);
    vehicleIndex.set(v.id, i);
    vStart[i] = location(v.start, `${f}.start`);
    vEnd[i] = location(v.end, `${f}.end`);
    shiftStart[i] = finite(v.shift?.start, `${f}.shift.start`);
    shiftEnd[i] = finite(v.shift?.end, `${f}.shift.end`);
    if (shiftEnd[i]! < shiftStart[i]!) fail(`${f}.shift`, 'end is before start');
    capacity[i] = v.capacity === undefined ? Infinity : finite(v.capacity, `${f}.capacity`, 0);
    if (v.breakTime) {
      hasBreak[i] = 1;
      breakStart[i] = finite(v.breakTime.window?.start, `${f}.breakTime.window.start`);
      breakEnd[i] = finite(v.breakTime.window?.end, `${f}.breakTime.window.end`);
      breakDuration[i] = finite(v.breakTime.duration, `${f}.breakTime.duration`, 0);
      if (breakEnd[i]! < breakStart[i]!) fail(`${f}.breakTime.window`, 'end is before start');
    }
    const key = JSON.stringify([
      v.start,
      v.end,
      v.shift.start,
      v.shift.end,
      capacity[i],
      [...(v.skills ?? [])].sort(),
      v.breakTime ?? null,
    ]);
    let cls = classKeys.get(key);
    if (cls === undefined) classKeys.set(key, (cls = classKeys.size));
    vehicleClass[i] = cls;
  });

  const n = stops.length;
  const stopLoc = new Int32Array(n);
  const service = new Float64Array(n);
  const demand = new Float64Array(n);
  const winOff = new Int32Array(n + 1);
  const ws: number[] = [];
  const we: number[] = [];
  const allowed = new Uint8Array(n * V);
  const pinned = new Int32Array(n).fill(-1);
  const fixed = new Uint8Array(n);
  const ids = new Set<string>();
  const vehicleSkills = vehicles.map((v) => new Set(v.skills ?? []));
  stops.forEach((s, k) => {
    const f = `stops[${k}]`;
    if (typeof s.id !== 'string' || s.id === '') fail(`${f}.id`, 'must be a non-empty string');
    if (ids.has(s.id)) fail(`${f}.id`, `duplicate stop id "${s.id}"`);
    ids.add(s.id);
    stopLoc[k] = location(s.location, `${f}.location`);
    service[k] = finite(s.service, `${f}.service`, 0);
    demand[k] = s.demand === undefined ? 0 : finite(s.demand, `${f}.demand`, 0);
    if (!Array.isArray(s.windows) || s.windows.length === 0) fail(`${f}.windows`, 'needs at least one time window');
    const windows = s.windows
      .map((w, j) => {
        const a = finite(w?.start, `${f}.windows[${j}].start`);
        const b = finite(w?.end, `${f}.windows[${j}].end`);
        if (b < a) fail(`${f}.windows[${j}]`, 'end is before start');
        return [a, b] as const;
      })
      .sort((x, y) => x[0] - y[0]);
    winOff[k] = ws.length;
    for (const [a, b] of windows) {
      const last = ws.length - 1;
      if (ws.length > winOff[k]! && a <= we[last]!) we[last] = Math.max(we[last]!, b);
      else {
        ws.push(a);
        we.push(b);
      }
    }
    if (s.pinnedVehicle !== undefined) {
      const v = vehicleIndex.get(s.pinnedVehicle);
      if (v === undefined) fail(`${f}.pinnedVehicle`, `no vehicle has id "${s.pinnedVehicle}"`);
      pinned[k] = v;
    }
    if (s.fixedOrder) {
      if (s.pinnedVehicle === undefined) fail(`${f}.fixedOrder`, 'needs pinnedVehicle');
      fixed[k] = 1;
    }
    const need = s.skills ?? [];
    let only: Set<number> | null = null;
    if (s.vehicles !== undefined) {
      if (!Array.isArray(s.vehicles)) fail(`${f}.vehicles`, 'must be an array of vehicle ids');
      only = new Set(s.vehicles.map((id, j) => vehicleIndex.get(id) ?? fail(`${f}.vehicles[${j}]`, `no vehicle has id "${String(id)}"`)));
    }
    for (let v = 0; v < V; v++) {
      const skilled = need.every((x) => vehicleSkills[v]!.has(x));
      const may = (pinned[k] === -1 || pinned[k] === v) && (only === null || only.has(v));
      allowed[k * V + v] = skilled && may && demand[k]! <= capacity[v]! ? 1 : 0;
    }
  });
  winOff[n] = ws.length;
  // Vehicles of one class must stay interchangeable: a stop's `vehicles` list tells them apart too.
  if (stops.some((s) => s.vehicles !== undefined)) {
    const split = new Map<string, number>();
    for (let v = 0; v < V; v++) {
      let key = `${vehicleClass[v]}:`;
      for (let k = 0; k < n; k++) if (stops[k]!.vehicles !== undefined) key += allowed[k * V + v];
      let cls = split.get(key);
      if (cls === undefined) split.set(key, (cls = split.size));
      vehicleClass[v] = cls;
    }
  }
  return {
    n,
    vehicleCount: V,
    locations: L,
    time,
    dist,
    stopLoc,
    service,
    demand,
    winOff,
    winStart: Float64Array.from(ws),
    winEnd: Float64Array.from(we),
    vStart,
    vEnd,
    shiftStart,
    shiftEnd,
    capacity,
    hasBreak,
    breakStart,
    breakEnd,
    breakDuration,
    allowed,
    pinned,
    fixed,
    vehicleClass,
    maxDist,
    problem,
  };
}

/** Earliest service start at stop k when arriving at `arrival`; Infinity when every window has closed. */
export function earliestStart(m: Model, k: number, arrival: number): number {
  const hi = m.winOff[k + 1]!;
  for (let w = m.winOff[k]!; w < hi; w++) {
    if (arrival <= m.winEnd[w]!) return arrival > m.winStart[w]! ? arrival : m.winStart[w]!;
  }
  return Infinity;
}

/** Latest arrival at stop k such that service can start no later than `latestStart`; -Infinity if none. */
export function latestArrival(m: Model, k: number, latestStart: number): number {
  const lo = m.winOff[k]!;
  for (let w = m.winOff[k + 1]! - 1; w >= lo; w--) {
    if (m.winStart[w]! <= latestStart) return m.winEnd[w]! < latestStart ? m.winEnd[w]! : latestStart;
  }
  return -Infinity;
}
