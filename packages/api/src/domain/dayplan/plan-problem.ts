/**
 * admin.planDay's solver problem, built from the facts and rules admin.assign decides with, so that
 * every stop the plan proposes is one admin.assign (and applyPlan) accepts:
 * - each pro's day as placement reads it (loadProDay: home, the shift that local date, null on a day
 *   off, the live visits); a pro who does not work that day gets no route;
 * - a pro's live visits stay where they are: fixed stops starting at their stored start, as long as
 *   stored, in their order (stretching the day when dispatch put one outside the hours);
 * - a job goes only to active pros it is within the radius of (checkAssignmentRadius's isWithinRadius)
 *   whose hours hold its whole window on that local date (hoursVerdict 'within', else admin.assign
 *   asks for a reason); skills are the solver's to check;
 * - drive times from the same TravelTimes, in whole minutes rounded up as placement counts them;
 * - as in fitIntoDay, the pro leaves home at the shift's start at the earliest, the last visit ends
 *   by the shift's end, and the drive home counts in the cost but not against the shift: each route
 *   ends at a location of its own that every stop reaches in 0 minutes and `distance` (the cost)
 *   prices as the drive home.
 */
import type { Problem, Stop, Vehicle } from '@h2s/routing';
import { isWithinRadius } from '@h2s/scoring';
import { sql, type DbOrTx } from '@h2s/db';
import { loadProDay, windowOf } from './day';
import { zoneFormat, type ProDay } from './fit';
import { hoursVerdict } from './hours';
import { wholeMinutes, type TravelTimes } from './travel';

export interface PlanDayInput {
  date: string;
  timezone: string;
}

export interface DayJob {
  id: string;
  lat: number;
  lng: number;
  city: string;
  due_at: string;
  service_minutes: number;
  skills: string[];
  pro_id: string | null;
  [key: string]: unknown;
}

interface ProRow {
  id: string;
  name: string;
  lat: number;
  lng: number;
  skills: string[];
  service_radius_miles: number;
  timezone: string;
  [key: string]: unknown;
}

/** A pro row with their day read through placement's own loadProDay. */
export interface DayPro extends ProRow {
  day: ProDay;
}

export interface BuiltProblem {
  origin: Date;
  problem: Problem;
  pros: DayPro[];
  jobs: Map<string, DayJob>;
  /** Jobs left out before solving, with why. */
  leftOut: { jobId: string; reason: string; code: string }[];
}

const LIVE = sql`('scheduled', 'accepted', 'en_route', 'in_progress')`;
const jobColumns = sql`j.id, j.lat, j.lng, j.city, j.due_at, j.service_minutes, j.skills, a.pro_id`;
const heldBy = sql`left join job_assignments a on a.job_id = j.id and a.state = 'accepted'`;

async function loadDay(db: DbOrTx, input: PlanDayInput) {
  const [{ origin } = { origin: '' }] = await db.execute<{ origin: string }>(
    sql`select to_char((${input.date}::date::timestamp at time zone ${input.timezone}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as origin`,
  );
  const jobs = await db.execute<DayJob>(sql`
    select ${jobColumns} from dispatch_jobs j join orders o on o.id = j.order_id ${heldBy}
     where o.schedule_date = ${input.date} and j.due_at is not null and j.timezone = ${input.timezone} and j.status in ${LIVE}
     order by j.due_at, j.id`);
  // A loose prefilter (0.1 mi over the radius: isWithinRadius rounds); the exact rule is applied per pair below.
  const rows = await db.execute<ProRow>(sql`
    select p.user_id as id, u.name, p.lat, p.lng, p.skills, p.service_radius_miles, p.timezone
      from pros p join users u on u.id = p.user_id
     where p.active
       and exists (select 1 from dispatch_jobs j join orders o on o.id = j.order_id
                    where o.schedule_date = ${input.date} and j.timezone = ${input.timezone} and j.status in ${LIVE}
                      and (j.assigned_pro_id = p.user_id
                           or 2 * 3958.8 * asin(least(1, sqrt(power(sin(radians(p.lat - j.lat) / 2), 2)
                                + cos(radians(j.lat)) * cos(radians(p.lat)) * power(sin(radians(p.lng - j.lng) / 2), 2)))) <= p.service_radius_miles + 0.1))
     order by p.user_id`);
  const days = await Promise.all(rows.map((row) => loadProDay(db, row.id, input.date)));
  const pros = rows.flatMap((row, i): DayPro[] => {
    const day = days[i];
    return day?.shift ? [{ ...row, day }] : [];
  });
  // Visits held that day that the date's list lacks (booked for another date or zone): they still take the pro's time.
  const known = new Set(jobs.map((j) => j.id));
  const missing = pros.flatMap((p) => p.day.stops.map((s) => s.jobId)).filter((id) => !known.has(id));
  const extra = missing.length
    ? await db.execute<DayJob>(sql`select ${jobColumns} from dispatch_jobs j ${heldBy}
                                     where j.id in (select jsonb_array_elements_text(${JSON.stringify(missing)}::jsonb))`)
    : [];
  return { origin: new Date(origin), jobs: [...jobs, ...extra], pros };
}

/** Who may be given the job by admin.assign without a confirmation, and if nobody, why. */
function assignablePros(job: DayJob, pros: DayPro[], date: string): { ids: string[]; why: { reason: string; code: string } | null } {
  const window = windowOf(new Date(job.due_at));
  const inReach = pros.filter((p) => isWithinRadius(job, { lat: p.lat, lng: p.lng, serviceRadiusMiles: p.service_radius_miles }));
  const ids = inReach
    .filter((p) => zoneFormat(p.timezone, 'date').format(window.start) === date && hoursVerdict(p.day.shift, window) === 'within')
    .map((p) => p.id);
  if (ids.length) return { ids, why: null };
  return inReach.length
    ? { ids, why: { code: 'outside-hours', reason: 'its window is not inside the working hours of any pro who has it in reach' } }
    : { ids, why: { code: 'out-of-reach', reason: 'no pro working that day has it within their service radius' } };
}

export async function buildDayProblem(db: DbOrTx, input: PlanDayInput, travel: TravelTimes): Promise<BuiltProblem> {
  const { origin, jobs: jobRows, pros } = await loadDay(db, input);
  const jobs = new Map(jobRows.map((j) => [j.id, j]));
  const minutesOf = (at: Date) => (at.getTime() - origin.getTime()) / 60_000;
  const P = pros.length;
  const points = [...pros.map((p) => ({ lat: p.lat, lng: p.lng })), ...jobRows.map((j) => ({ lat: j.lat, lng: j.lng }))];
  const { minutes } = points.length ? await travel.matrix(points) : { minutes: [] };
  // Locations: homes 0..P-1, each route's end P..2P-1, then the jobs in jobRows' order.
  const L = 2 * P + jobRows.length;
  const real = (loc: number) => (loc < P ? loc : loc - P);
  const time: number[][] = [];
  const distance: number[][] = [];
  for (let i = 0; i < L; i++) {
    const timeRow = new Array<number>(L).fill(0);
    const distRow = new Array<number>(L).fill(0);
    if (i < P || i >= 2 * P) {
      const from = minutes[real(i)]!;
      for (let j = 0; j < L; j++) {
        if (j >= P && j < 2 * P) distRow[j] = wholeMinutes(from[j - P]!);
        else timeRow[j] = distRow[j] = wholeMinutes(from[real(j)]!);
      }
    }
    time.push(timeRow);
    distance.push(distRow);
  }
  const locationOf = new Map(jobRows.map((j, i) => [j.id, 2 * P + i]));

  const stops: Stop[] = [];
  const vehicles: Vehicle[] = pros.map((pro, v) => {
    const shift = pro.day.shift!;
    let start = minutesOf(shift.start);
    let end = minutesOf(shift.end);
    for (const visit of pro.day.stops) {
      const location = locationOf.get(visit.jobId);
      if (location === undefined) continue; // its job was not found: nothing to pin it to
      const at = minutesOf(visit.start);
      if (visit === pro.day.stops[0]) start = Math.min(start, at - time[v]![location]!);
      end = Math.max(end, minutesOf(visit.end));
      stops.push({
        id: visit.jobId,
        location,
        windows: [{ start: at, end: at }],
        service: minutesOf(visit.end) - at,
        pinnedVehicle: pro.id,
        fixedOrder: true,
      });
    }
    return { id: pro.id, start: v, end: P + v, shift: { start, end }, skills: pro.skills };
  });
  const visiting = new Set(stops.map((s) => s.id));
  const planned = new Set(pros.map((p) => p.id));
  const leftOut: BuiltProblem['leftOut'] = [];
  for (const job of jobRows) {
    if (visiting.has(job.id)) continue;
    const window = windowOf(new Date(job.due_at));
    const base = {
      id: job.id,
      location: locationOf.get(job.id)!,
      windows: [{ start: minutesOf(window.start), end: minutesOf(window.end) }],
      service: job.service_minutes,
      skills: job.skills,
    };
    if (job.pro_id) {
      // Held but without a planned visit: it stays with its pro, placed where the day has room.
      if (planned.has(job.pro_id)) stops.push({ ...base, pinnedVehicle: job.pro_id });
      else leftOut.push({ jobId: job.id, code: 'holder-not-working', reason: 'the pro who holds it does not work that day' });
      continue;
    }
    const { ids, why } = assignablePros(job, pros, input.date);
    if (why) leftOut.push({ jobId: job.id, ...why });
    else stops.push({ ...base, vehicles: ids });
  }
  return { origin, problem: { vehicles, stops, travel: time, distance }, pros, jobs, leftOut };
}
