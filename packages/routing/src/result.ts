/** Turns the search's routes into the public Solution, and explains every unassigned stop. */
import { earliestStart, type Model } from './model';
import { scheduleBuffers, simulate } from './schedule';
import type { RouteState } from './state';
import type { Route, Solution, Unassigned } from './types';

export function routeOf(m: Model, v: number, seq: number[]): Route {
  const out = scheduleBuffers(seq.length);
  const end = simulate(m, v, seq, seq.length, out);
  if (end === Infinity) throw new Error(`internal: route of vehicle ${m.problem.vehicles[v]!.id} is infeasible`);
  const L = m.locations;
  let prev = m.vStart[v]!;
  let distance = 0;
  let driveMinutes = 0;
  const stops = seq.map((k, i) => {
    const loc = m.stopLoc[k]!;
    distance += m.dist[prev * L + loc]!;
    driveMinutes += out.drive[i]!;
    prev = loc;
    return {
      stopId: m.problem.stops[k]!.id,
      arrival: out.arrival[i]!,
      wait: out.start[i]! - out.arrival[i]!,
      start: out.start[i]!,
      departure: out.departure[i]!,
      driveMinutes: out.drive[i]!,
    };
  });
  distance += m.dist[prev * L + m.vEnd[v]!]!;
  driveMinutes += m.time[prev * L + m.vEnd[v]!]!;
  const route: Route = { vehicleId: m.problem.vehicles[v]!.id, stops, driveMinutes, distance, start: m.shiftStart[v]!, end };
  if (m.hasBreak[v]) route.break = { start: out.breakStart, end: out.breakStart + m.breakDuration[v]! };
  return route;
}

/** Why stop k is not in the plan. */
export function explain(m: Model, k: number): Unassigned {
  const stop = m.problem.stops[k]!;
  const V = m.vehicleCount;
  const base = { stopId: stop.id };
  const skilled: number[] = [];
  for (let v = 0; v < V; v++) {
    const hasSkills = (stop.skills ?? []).every((s) => m.problem.vehicles[v]!.skills?.includes(s));
    const may = (m.pinned[k] === -1 || m.pinned[k] === v) && (!stop.vehicles || stop.vehicles.includes(m.problem.vehicles[v]!.id));
    if (hasSkills && may) skilled.push(v);
  }
  if (skilled.length === 0) {
    const who = m.pinned[k] !== -1 ? `pinned vehicle ${stop.pinnedVehicle}` : stop.vehicles ? 'no vehicle allowed for it' : 'no vehicle';
    return { ...base, reason: 'no-skills', detail: `${who} has the skills ${JSON.stringify(stop.skills ?? [])}` };
  }
  const sized = skilled.filter((v) => m.demand[k]! <= m.capacity[v]!);
  if (sized.length === 0) {
    return { ...base, reason: 'capacity', detail: `demand ${m.demand[k]} exceeds the capacity of every vehicle with the skills` };
  }
  const L = m.locations;
  const reachable = sized.some((v) => simulate(m, v, [k], 1) !== Infinity);
  if (!reachable) {
    const v = sized[0]!;
    const arrive = m.shiftStart[v]! + m.time[m.vStart[v]! * L + m.stopLoc[k]!]!;
    const start = earliestStart(m, k, arrive);
    const detail =
      start === Infinity
        ? `the earliest arrival from a shift start (${round(arrive)}) is after every window`
        : `no shift reaches the stop in a window and returns by its end (e.g. ${m.problem.vehicles[v]!.id}: start ${round(start)}, back after ${round(m.shiftEnd[v]!)})`;
    return { ...base, reason: 'window-unreachable', detail };
  }
  return { ...base, reason: 'out-of-time', detail: 'fits a day alone, but no route has room for it beside the other stops' };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

export function toSolution(m: Model, s: RouteState, stats: { iterations: number; elapsedMs: number }): Solution {
  const routes: Route[] = [];
  for (let v = 0; v < m.vehicleCount; v++) if (s.len[v]! > 0) routes.push(routeOf(m, v, s.stopsOf(v)));
  const unassigned: Unassigned[] = [];
  for (let k = 0; k < m.n; k++) if (s.routeOf[k] === -1) unassigned.push(explain(m, k));
  const totals = { distance: 0, driveMinutes: 0, assigned: m.n - unassigned.length };
  for (const r of routes) {
    totals.distance += r.distance;
    totals.driveMinutes += r.driveMinutes;
  }
  return { routes, unassigned, totals, stats };
}
