/**
 * An independent check of a Solution against its Problem: every rule a plan must keep, re-derived
 * from the public fields alone (not from the search's data). Returns the violations, empty when valid.
 */
import type { Problem, Solution } from './types';

const EPS = 1e-6;

export function verify(problem: Problem, solution: Solution): string[] {
  const errors: string[] = [];
  const vehicles = new Map(problem.vehicles.map((v) => [v.id, v]));
  const stops = new Map(problem.stops.map((s, i) => [s.id, { stop: s, index: i }]));
  const seen = new Set<string>();
  const usedVehicles = new Set<string>();
  const dist = problem.distance ?? problem.travel;
  let total = 0;
  for (const route of solution.routes) {
    const v = vehicles.get(route.vehicleId);
    const where = `route of ${route.vehicleId}`;
    if (!v) {
      errors.push(`${where}: no such vehicle`);
      continue;
    }
    if (usedVehicles.has(v.id)) errors.push(`${where}: vehicle used twice`);
    usedVehicles.add(v.id);
    let loc = v.start;
    let t = v.shift.start;
    let load = 0;
    let distance = 0;
    const busy: [number, number][] = [];
    for (const ps of route.stops) {
      const entry = stops.get(ps.stopId);
      const at = `${where}, stop ${ps.stopId}`;
      if (!entry) {
        errors.push(`${at}: no such stop`);
        continue;
      }
      const s = entry.stop;
      if (seen.has(s.id)) errors.push(`${at}: visited twice`);
      seen.add(s.id);
      if (s.pinnedVehicle !== undefined && s.pinnedVehicle !== v.id) errors.push(`${at}: pinned to ${s.pinnedVehicle}`);
      if (s.vehicles !== undefined && !s.vehicles.includes(v.id)) errors.push(`${at}: not one of its vehicles`);
      for (const skill of s.skills ?? []) if (!(v.skills ?? []).includes(skill)) errors.push(`${at}: vehicle lacks skill ${skill}`);
      load += s.demand ?? 0;
      const drive = problem.travel[loc]![s.location]!;
      distance += dist[loc]![s.location]!;
      if (ps.arrival < t + drive - EPS)
        errors.push(`${at}: arrives at ${ps.arrival}, before ${t + drive} (departure ${t} + drive ${drive})`);
      if (ps.start < ps.arrival - EPS) errors.push(`${at}: starts before arriving`);
      if (!s.windows.some((w) => ps.start >= w.start - EPS && ps.start <= w.end + EPS))
        errors.push(`${at}: start ${ps.start} is outside every window`);
      if (Math.abs(ps.departure - (ps.start + s.service)) > EPS) errors.push(`${at}: departure is not start + service`);
      busy.push([ps.start, ps.departure]);
      t = ps.departure;
      loc = s.location;
    }
    const back = t + problem.travel[loc]![v.end]!;
    distance += dist[loc]![v.end]!;
    total += distance;
    if (route.end < back - EPS) errors.push(`${where}: back at ${route.end}, before ${back}`);
    if (route.end > v.shift.end + EPS) errors.push(`${where}: back at ${route.end}, after the shift ends at ${v.shift.end}`);
    if (v.capacity !== undefined && load > v.capacity + EPS) errors.push(`${where}: load ${load} over capacity ${v.capacity}`);
    if (Math.abs(distance - route.distance) > EPS * Math.max(1, distance))
      errors.push(`${where}: distance ${route.distance}, recomputed ${distance}`);
    if (v.breakTime) {
      const b = route.break;
      if (!b) errors.push(`${where}: no break`);
      else {
        if (b.start < v.breakTime.window.start - EPS || b.start > v.breakTime.window.end + EPS)
          errors.push(`${where}: break starts outside its window`);
        if (Math.abs(b.end - b.start - v.breakTime.duration) > EPS) errors.push(`${where}: break is not ${v.breakTime.duration} long`);
        if (busy.some(([a, z]) => b.start < z - EPS && a < b.end - EPS)) errors.push(`${where}: break overlaps a visit`);
        if (b.start < v.shift.start - EPS || b.end > route.end + EPS) errors.push(`${where}: break outside the day`);
      }
    }
  }
  for (const u of solution.unassigned) {
    if (seen.has(u.stopId)) errors.push(`stop ${u.stopId}: both planned and unassigned`);
    seen.add(u.stopId);
  }
  for (const s of problem.stops) if (!seen.has(s.id)) errors.push(`stop ${s.id}: neither planned nor unassigned`);
  if (Math.abs(total - solution.totals.distance) > EPS * Math.max(1, total))
    errors.push(`totals.distance ${solution.totals.distance}, recomputed ${total}`);
  return errors;
}
