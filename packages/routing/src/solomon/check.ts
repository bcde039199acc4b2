/**
 * Solomon's rules checked directly on the instance and the CLI's output (customer ids per route),
 * independent of the solver: every customer exactly once, at most the file's fleet, capacity, service
 * starting within [ready, due] (waiting allowed), back at the depot by its due date. Returns the
 * recomputed total distance and the violations.
 */
import type { SolomonInstance } from './parse';

export function checkSolomon(inst: SolomonInstance, routes: number[][]): { distance: number; errors: string[] } {
  const errors: string[] = [];
  const byId = new Map(inst.customers.map((c) => [c.id, c]));
  const seen = new Set<number>();
  const d = (a: { x: number; y: number }, b: { x: number; y: number }): number => Math.sqrt((a.x - b.x) ** 2 + (a.y - b.y) ** 2);
  let distance = 0;
  if (routes.length > inst.vehicles) errors.push(`${routes.length} routes, the fleet is ${inst.vehicles}`);
  routes.forEach((route, r) => {
    let at = inst.depot;
    let t = inst.depot.ready;
    let load = 0;
    for (const id of route) {
      const c = byId.get(id);
      if (!c) {
        errors.push(`route ${r}: no customer ${id}`);
        continue;
      }
      if (seen.has(id)) errors.push(`route ${r}: customer ${id} visited twice`);
      seen.add(id);
      const leg = d(at, c);
      distance += leg;
      const start = Math.max(t + leg, c.ready);
      if (start > c.due) errors.push(`route ${r}: customer ${id} starts at ${start}, after its due date ${c.due}`);
      t = start + c.service;
      load += c.demand;
      at = c;
    }
    const leg = d(at, inst.depot);
    distance += leg;
    if (t + leg > inst.depot.due) errors.push(`route ${r}: back at the depot at ${t + leg}, after ${inst.depot.due}`);
    if (load > inst.capacity) errors.push(`route ${r}: load ${load} over capacity ${inst.capacity}`);
  });
  for (const c of inst.customers) if (!seen.has(c.id)) errors.push(`customer ${c.id} is not visited`);
  return { distance, errors };
}
