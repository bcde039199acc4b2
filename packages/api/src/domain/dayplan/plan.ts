/**
 * admin.planDay: routes for a day's jobs, proposed by @h2s/routing's solver and never applied by
 * itself. Jobs a pro already holds stay with that pro (pinned, in their planned order); open ones
 * are placed; what cannot be placed is listed with the solver's reason. Read only: no transaction,
 * the travel matrix fetched once for the day (cached per list of points).
 */
import { solve, type Problem, type Stop, type Vehicle } from '@h2s/routing';
import { sql, WINDOW_HOURS, type DbOrTx, type SQL } from '@h2s/db';
import { productTravelTimes, type TravelTimes } from './travel';

export interface PlanDayInput {
  date: string;
  timezone: string;
}

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

interface JobRow {
  id: string;
  lat: number;
  lng: number;
  city: string;
  due_min: number;
  service_minutes: number;
  skills: string[];
  pro_id: string | null;
  planned_arrival: string | null;
  [key: string]: unknown;
}

interface ProRow {
  id: string;
  name: string;
  lat: number;
  lng: number;
  skills: string[];
  shift_start: number;
  shift_end: number;
  [key: string]: unknown;
}

const minutesFrom = (origin: string, at: SQL) => sql`(extract(epoch from (${at} - ${origin}::timestamptz)) / 60)::float8`;

/** The day's live jobs with a window, and the pros who can work it (active, working that day, in reach of one of them). */
async function loadDay(db: DbOrTx, input: PlanDayInput) {
  const [{ origin } = { origin: '' }] = await db.execute<{ origin: string }>(
    sql`select to_char((${input.date}::date::timestamp at time zone ${input.timezone}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as origin`,
  );
  const jobs = await db.execute<JobRow>(sql`
    select j.id, j.lat, j.lng, j.city, ${minutesFrom(origin, sql`j.due_at`)} as due_min, j.service_minutes, j.skills,
           a.pro_id, a.planned_arrival
      from dispatch_jobs j
      join orders o on o.id = j.order_id
      left join job_assignments a on a.job_id = j.id and a.state = 'accepted'
     where o.schedule_date = ${input.date} and j.due_at is not null
       and j.status in ('scheduled', 'accepted', 'en_route', 'in_progress')
     order by a.planned_arrival nulls last, j.due_at, j.id`);
  const pros = await db.execute<ProRow>(sql`
    select p.user_id as id, u.name, p.lat, p.lng, p.skills,
           ${minutesFrom(origin, sql`((${input.date}::date + h.starts_at) at time zone p.timezone)`)} as shift_start,
           ${minutesFrom(origin, sql`((${input.date}::date + h.ends_at) at time zone p.timezone)`)} as shift_end
      from pros p
      join users u on u.id = p.user_id
      join pro_working_hours h on h.pro_id = p.user_id and h.weekday = extract(isodow from ${input.date}::date)::int
     where p.active
       and not exists (select 1 from pro_days_off d where d.pro_id = p.user_id and d.day = ${input.date}::date)
       and exists (select 1 from dispatch_jobs j join orders o on o.id = j.order_id
                    where o.schedule_date = ${input.date} and j.status in ('scheduled', 'accepted', 'en_route', 'in_progress')
                      and (j.assigned_pro_id = p.user_id
                           or 2 * 3958.8 * asin(least(1, sqrt(power(sin(radians(p.lat - j.lat) / 2), 2)
                                + cos(radians(j.lat)) * cos(radians(p.lat)) * power(sin(radians(p.lng - j.lng) / 2), 2)))) <= p.service_radius_miles))
     order by p.user_id`);
  return { origin: new Date(origin), jobs, pros };
}

/** Proposes routes for the day (see the module comment). */
export async function planDay(
  db: DbOrTx,
  input: PlanDayInput,
  options: { travel?: TravelTimes; timeLimitMs?: number; seed?: number } = {},
): Promise<DayPlan> {
  const { origin, jobs, pros } = await loadDay(db, input);
  const points = [...pros.map((p) => ({ lat: p.lat, lng: p.lng })), ...jobs.map((j) => ({ lat: j.lat, lng: j.lng }))];
  const { minutes } = points.length ? await (options.travel ?? productTravelTimes()).matrix(points) : { minutes: [] };
  const proIds = new Set(pros.map((p) => p.id));
  const vehicles: Vehicle[] = pros.map((p, i) => ({
    id: p.id,
    start: i,
    end: i,
    shift: { start: p.shift_start, end: p.shift_end },
    skills: p.skills,
  }));
  const stops: Stop[] = jobs.map((j, i) => ({
    id: j.id,
    location: pros.length + i,
    windows: [{ start: j.due_min, end: j.due_min + WINDOW_HOURS * 60 }],
    service: j.service_minutes,
    skills: j.skills,
    // A held job stays with its pro, in the order of its planned visits (a pro not working today cannot take it).
    ...(j.pro_id && proIds.has(j.pro_id) ? { pinnedVehicle: j.pro_id, fixedOrder: true } : j.pro_id ? { pinnedVehicle: j.pro_id } : {}),
  }));
  const problem: Problem = { vehicles, stops, travel: minutes };
  const solution = solve(problem, { timeLimitMs: options.timeLimitMs ?? 2000, seed: options.seed ?? 1 });
  const at = (m: number) => new Date(origin.getTime() + Math.round(m) * 60_000).toISOString();
  const jobById = new Map(jobs.map((j) => [j.id, j]));
  const proById = new Map(pros.map((p) => [p.id, p]));
  const routes = solution.routes
    .filter((r) => r.stops.length > 0)
    .map((route): PlannedRoute => {
      const pro = proById.get(route.vehicleId)!;
      return {
        proId: pro.id,
        name: pro.name,
        home: { lat: pro.lat, lng: pro.lng },
        driveMinutes: Math.round(route.driveMinutes),
        idleMinutes: Math.round(route.stops.slice(1).reduce((sum, s) => sum + s.wait, 0)),
        stops: route.stops.map((s) => {
          const job = jobById.get(s.stopId)!;
          return {
            jobId: s.stopId,
            // The pro leaves so as to arrive when work can start: no waiting at the door.
            arrival: at(s.start),
            start: at(s.start),
            end: at(s.start + job.service_minutes),
            driveMinutes: Math.ceil(s.driveMinutes - 1e-9),
            pinned: job.pro_id === pro.id,
            lat: job.lat,
            lng: job.lng,
            city: job.city,
            windowStart: at(job.due_min),
          };
        }),
      };
    });
  return {
    date: input.date,
    timezone: input.timezone,
    routes,
    unassigned: solution.unassigned.map((u) => ({ jobId: u.stopId, reason: u.detail, code: u.reason })),
    totals: {
      driveMinutes: Math.round(routes.reduce((sum, r) => sum + r.driveMinutes, 0)),
      assigned: solution.totals.assigned,
      unassigned: solution.unassigned.length,
      solverMs: Math.round(solution.stats.elapsedMs),
    },
  };
}
