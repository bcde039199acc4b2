/**
 * jobs.myDay and the tracking ETA: a pro's planned visits on a local date in route order, with ETAs
 * that follow the day as it goes (a visit in progress or on the way moves every later one).
 */
import { sql, type DbOrTx } from '@h2s/db';

export interface DayStop {
  jobId: string;
  status: string;
  city: string;
  addressLine1: string;
  customerName: string;
  timeWindow: string | null;
  windowStart: string;
  plannedArrival: string;
  /** When the pro is now expected: the plan, moved later by earlier stops running late. */
  eta: string;
  expectedEnd: string;
  lateMinutes: number;
  driveMinutes: number;
  serviceMinutes: number;
}

export interface MyDay {
  date: string;
  timezone: string;
  /** Still to do, the next stop first. */
  stops: DayStop[];
  completed: DayStop[];
  driveMinutes: number;
}

interface Row {
  job_id: string;
  status: string;
  city: string;
  address_line1: string;
  customer_name: string;
  time_window: string | null;
  due_at: string;
  planned_arrival: string;
  drive_minutes: number;
  service_minutes: number;
  departed_at: string | null;
  started_at: string | null;
  timezone: string;
  [key: string]: unknown;
}

const MINUTE = 60_000;
const max = (...dates: Date[]) => new Date(Math.max(...dates.map((d) => d.getTime())));

/** The pro's day on `date` (their local calendar), ETAs as of `now`. */
export async function myDay(db: DbOrTx, proId: string, date: string, now: Date): Promise<MyDay> {
  const rows = await db.execute<Row>(sql`
    select a.job_id, j.status, j.city, o.address_line1, o.customer_name, o.schedule_time_window as time_window, j.due_at,
           a.planned_arrival, a.drive_minutes, j.service_minutes, p.timezone,
           -- The visit step's time, written by the server's clock with the status (the audit row's is the database's).
           case when j.status = 'en_route' then j.updated_at end as departed_at,
           case when j.status = 'in_progress' then j.updated_at end as started_at
      from job_assignments a
      join dispatch_jobs j on j.id = a.job_id
      join orders o on o.id = j.order_id
      join pros p on p.user_id = a.pro_id
     where a.pro_id = ${proId} and a.state in ('accepted', 'completed', 'seated', 'seat_completed') and a.planned_start is not null
       and a.planned_start >= (${date}::date::timestamp at time zone p.timezone)
       and a.planned_start < ((${date}::date + 1)::timestamp at time zone p.timezone)
     order by a.planned_start, a.id`);
  const [pro] = rows.length ? [] : await db.execute<{ timezone: string }>(sql`select timezone from pros where user_id = ${proId}`);
  const timezone = rows[0]?.timezone ?? pro?.timezone ?? 'UTC';
  const stops: DayStop[] = [];
  const completed: DayStop[] = [];
  // When the pro is free to drive on: now, or later while a visit is still going.
  let free = now;
  for (const row of rows) {
    const planned = new Date(row.planned_arrival);
    const windowStart = new Date(row.due_at);
    const service = row.service_minutes * MINUTE;
    let eta: Date;
    if (row.status === 'completed') {
      eta = planned;
    } else if (row.status === 'in_progress' && row.started_at) {
      eta = new Date(row.started_at);
    } else if (row.status === 'en_route' && row.departed_at) {
      eta = max(new Date(new Date(row.departed_at).getTime() + row.drive_minutes * MINUTE), now);
    } else {
      eta = max(planned, new Date(free.getTime() + row.drive_minutes * MINUTE));
    }
    const start = max(eta, windowStart);
    const end = row.status === 'in_progress' ? max(new Date(start.getTime() + service), now) : new Date(start.getTime() + service);
    const stop: DayStop = {
      jobId: row.job_id,
      status: row.status,
      city: row.city,
      addressLine1: row.address_line1,
      customerName: row.customer_name,
      timeWindow: row.time_window,
      windowStart: windowStart.toISOString(),
      plannedArrival: planned.toISOString(),
      eta: eta.toISOString(),
      expectedEnd: end.toISOString(),
      lateMinutes: Math.max(0, Math.round((eta.getTime() - planned.getTime()) / MINUTE)),
      driveMinutes: row.drive_minutes,
      serviceMinutes: row.service_minutes,
    };
    if (row.status === 'completed') completed.push(stop);
    else {
      stops.push(stop);
      free = max(free, end);
    }
  }
  return { date, timezone, stops, completed, driveMinutes: rows.reduce((sum, r) => sum + r.drive_minutes, 0) };
}

/** The ETA the customer sees while the pro is on the way: from the pro's day, null when the job has no planned visit. */
export async function etaForJob(db: DbOrTx, jobId: string, now: Date): Promise<{ eta: string; lateMinutes: number } | null> {
  const [row] = await db.execute<{ pro_id: string; day: string }>(sql`
    select a.pro_id, to_char((a.planned_start at time zone p.timezone)::date, 'YYYY-MM-DD') as day
      from job_assignments a join pros p on p.user_id = a.pro_id
     where a.job_id = ${jobId} and a.state = 'accepted' and a.planned_start is not null`);
  if (!row) return null;
  const day = await myDay(db, row.pro_id, row.day, now);
  const stop = day.stops.find((s) => s.jobId === jobId);
  return stop ? { eta: stop.eta, lateMinutes: stop.lateMinutes } : null;
}
