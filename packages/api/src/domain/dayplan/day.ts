/** Reads a pro's day as fitIntoDay needs it: home, working hours on that local date, live planned visits. */
import { sql, WINDOW_HOURS, type DbOrTx } from '@h2s/db';
import type { JobToFit, PlannedStop, ProDay } from './fit';

const asDate = (value: unknown) => new Date(value as string);

/** The pro's day on a local date; `except` leaves one job out (the one being placed again). */
export async function loadProDay(db: DbOrTx, proId: string, date: string, except: string | null = null): Promise<ProDay | null> {
  const [pro] = await db.execute<{
    timezone: string;
    lat: number;
    lng: number;
    shift_start: string | null;
    shift_end: string | null;
    day_off: boolean;
  }>(sql`
    select p.timezone, p.lat, p.lng,
           exists (select 1 from pro_days_off d where d.pro_id = p.user_id and d.day = ${date}::date) as day_off,
           (${date}::date + h.starts_at) at time zone p.timezone as shift_start,
           (${date}::date + h.ends_at) at time zone p.timezone as shift_end
      from pros p
      left join pro_working_hours h
        on h.pro_id = p.user_id and h.weekday = extract(isodow from ${date}::date)::int
       and not exists (select 1 from pro_days_off d where d.pro_id = p.user_id and d.day = ${date}::date)
     where p.user_id = ${proId}`);
  if (!pro) return null;
  const stops = await db.execute<{
    id: string;
    job_id: string;
    lat: number;
    lng: number;
    planned_arrival: string;
    planned_start: string;
    planned_end: string;
    drive_minutes: number;
  }>(sql`
    select a.id, a.job_id, j.lat, j.lng, a.planned_arrival, a.planned_start, a.planned_end, a.drive_minutes
      from job_assignments a join dispatch_jobs j on j.id = a.job_id
     where a.pro_id = ${proId} and a.state in ('accepted', 'seated') and a.visit_range is not null
       and a.planned_start >= (${date}::date::timestamp at time zone ${pro.timezone})
       and a.planned_start < ((${date}::date + 1)::timestamp at time zone ${pro.timezone})
       and a.job_id is distinct from ${except}
     order by a.planned_arrival, a.id`);
  return {
    proId,
    timezone: pro.timezone,
    home: { lat: pro.lat, lng: pro.lng },
    shift: pro.shift_start && pro.shift_end ? { start: asDate(pro.shift_start), end: asDate(pro.shift_end) } : null,
    dayOff: pro.day_off,
    stops: stops.map((s): PlannedStop => ({
      assignmentId: s.id,
      jobId: s.job_id,
      point: { lat: s.lat, lng: s.lng },
      arrival: asDate(s.planned_arrival),
      start: asDate(s.planned_start),
      end: asDate(s.planned_end),
      driveMinutes: s.drive_minutes,
    })),
  };
}

/** A scheduled job as fitIntoDay needs it, with the pro's local date of its window; null when unscheduled. */
export async function loadJobForPro(db: DbOrTx, jobId: string, proId: string): Promise<{ job: JobToFit; date: string } | null> {
  const [row] = await db.execute<{ lat: number; lng: number; due_at: string | null; service_minutes: number; day: string | null }>(sql`
    select j.lat, j.lng, j.due_at, j.service_minutes, to_char((j.due_at at time zone p.timezone)::date, 'YYYY-MM-DD') as day
      from dispatch_jobs j, pros p where j.id = ${jobId} and p.user_id = ${proId}`);
  if (!row?.due_at || !row.day) return null;
  const start = asDate(row.due_at);
  return {
    job: { jobId, point: { lat: row.lat, lng: row.lng }, window: windowOf(start), serviceMinutes: row.service_minutes },
    date: row.day,
  };
}

/** A window is promised arrival time: [due_at, due_at + WINDOW_HOURS]. */
export function windowOf(dueAt: Date): { start: Date; end: Date } {
  return { start: dueAt, end: new Date(dueAt.getTime() + WINDOW_HOURS * 3_600_000) };
}
