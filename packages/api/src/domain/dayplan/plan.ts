/**
 * admin.planDay: routes for a day's jobs, proposed by @h2s/routing's solver and never applied by
 * itself. The problem is built from what admin.assign decides with (plan-problem.ts): visits a pro
 * holds stay where they are, open jobs go only where admin.assign would take them, and every stop's
 * times are the ones placement computes, so applying the plan in route order stores exactly these
 * visits. What cannot be placed is listed with the reason. Read only: no transaction, the travel
 * matrix fetched once for the day (cached per list of points).
 */
import { solve } from '@h2s/routing';
import type { DbOrTx } from '@h2s/db';
import { productTravelTimes, type TravelTimes } from './travel';
import { buildDayProblem, type PlanDayInput } from './plan-problem';

export type { PlanDayInput };

export interface PlannedVisit {
  jobId: string;
  arrival: string;
  start: string;
  end: string;
  driveMinutes: number;
  /** Held by this pro already: applying the plan leaves it as it is. */
  pinned: boolean;
  lat: number;
  lng: number;
  city: string;
  windowStart: string;
}

export interface PlannedRoute {
  proId: string;
  name: string;
  home: { lat: number; lng: number };
  stops: PlannedVisit[];
  /** Driving from home through every stop and back home. */
  driveMinutes: number;
  /** Minutes spent waiting for windows to open between leaving for the first stop and finishing the last. */
  idleMinutes: number;
}

export interface DayPlan {
  date: string;
  timezone: string;
  routes: PlannedRoute[];
  unassigned: { jobId: string; reason: string; code: string }[];
  totals: { driveMinutes: number; assigned: number; unassigned: number; solverMs: number };
}

/** Proposes routes for the day (see the module comment). */
export async function planDay(
  db: DbOrTx,
  input: PlanDayInput,
  options: { travel?: TravelTimes; timeLimitMs?: number; seed?: number } = {},
): Promise<DayPlan> {
  const { origin, problem, pros, jobs, leftOut } = await buildDayProblem(db, input, options.travel ?? productTravelTimes());
  const solution = solve(problem, { timeLimitMs: options.timeLimitMs ?? 2000, seed: options.seed ?? 1 });
  const at = (m: number) => new Date(origin.getTime() + Math.round(m * 60_000)).toISOString();
  const proById = new Map(pros.map((p) => [p.id, p]));
  const routes = solution.routes
    .filter((r) => r.stops.length > 0)
    .map((route): PlannedRoute => {
      const pro = proById.get(route.vehicleId)!;
      return {
        proId: pro.id,
        name: pro.name,
        home: { lat: pro.lat, lng: pro.lng },
        // The cost matrix prices each route's end as the drive home (plan-problem.ts).
        driveMinutes: Math.round(route.distance),
        idleMinutes: Math.round(route.stops.slice(1).reduce((sum, s) => sum + s.wait, 0)),
        stops: route.stops.map((s) => {
          const job = jobs.get(s.stopId)!;
          return {
            jobId: s.stopId,
            // The pro leaves so as to arrive when work can start: no waiting at the door.
            arrival: at(s.start),
            start: at(s.start),
            end: at(s.departure),
            driveMinutes: Math.max(0, Math.round(s.driveMinutes)), // never -0
            pinned: job.pro_id === pro.id,
            lat: job.lat,
            lng: job.lng,
            city: job.city,
            windowStart: new Date(job.due_at).toISOString(),
          };
        }),
      };
    });
  const unassigned = [...leftOut, ...solution.unassigned.map((u) => ({ jobId: u.stopId, reason: u.detail, code: u.reason }))];
  return {
    date: input.date,
    timezone: input.timezone,
    routes,
    unassigned,
    totals: {
      driveMinutes: Math.round(routes.reduce((sum, r) => sum + r.driveMinutes, 0)),
      assigned: solution.totals.assigned,
      unassigned: unassigned.length,
      solverMs: Math.round(solution.stats.elapsedMs),
    },
  };
}
