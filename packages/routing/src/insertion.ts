/** One stop into one existing route: where it is cheapest, what it adds, and when it can start. */
import { earliestStart, latestArrival, compile } from './model';
import { scheduleBuffers, simulate } from './schedule';
import { RouteState } from './state';
import type { Insertion, Problem } from './types';

/**
 * The cheapest feasible insertion of `stopId` into the route `route.stopIds` of `route.vehicleId`
 * (stops in that order), by added distance; null when it fits nowhere (skills, pin, capacity, windows,
 * shift or break). The existing route is taken as given: if it is already infeasible, so is every insertion.
 */
export function bestInsertion(problem: Problem, route: { vehicleId: string; stopIds: string[] }, stopId: string): Insertion | null {
  const m = compile(problem);
  const r = problem.vehicles.findIndex((v) => v.id === route.vehicleId);
  if (r < 0) throw new RangeError(`route.vehicleId: no vehicle has id "${route.vehicleId}"`);
  const index = new Map(problem.stops.map((s, i) => [s.id, i]));
  const k = index.get(stopId);
  if (k === undefined) throw new RangeError(`stopId: no stop has id "${stopId}"`);
  const state = new RouteState(m);
  route.stopIds.forEach((id, i) => {
    const j = index.get(id);
    if (j === undefined) throw new RangeError(`route.stopIds[${i}]: no stop has id "${id}"`);
    if (j === k) throw new RangeError(`route.stopIds[${i}]: "${id}" is the stop being inserted`);
    const base = r * state.stride;
    state.nodes[base + i + 1] = j;
  });
  state.len[r] = route.stopIds.length;
  state.update(r);
  if (!state.feasible(r)) return null;
  const added = state.bestInRoute(k, r, 0, Math.random);
  if (added === Infinity) return null;
  const p = state.bestPos;
  const L = m.locations;
  const prev = state.locAt(r, p);
  const next = state.locAt(r, p + 1);
  const kl = m.stopLoc[k]!;
  const addedMinutes = m.time[prev * L + kl]! + m.time[kl * L + next]! - m.time[prev * L + next]!;
  let fits: [number, number];
  if (m.hasBreak[r]) {
    const seq = state.stopsOf(r);
    seq.splice(p, 0, k);
    const out = scheduleBuffers(seq.length);
    simulate(m, r, seq, seq.length, out);
    fits = [out.start[p]!, out.start[p]!];
  } else {
    const base = r * state.stride;
    const start = earliestStart(m, k, state.dep[base + p]! + m.time[prev * L + kl]!);
    const latest = latestArrival(m, k, state.la[base + p + 1]! - m.time[kl * L + next]! - m.service[k]!);
    fits = [start, latest];
  }
  return { position: p, addedDistance: added, addedMinutes, fitsBetween: fits };
}
