/**
 * The one encoding of a schedule change's write (issue 21): the order's slot, the job's due time and
 * calendar sequence, the audit row and its NOTIFY, the invite email, the reminder (replaced by its key)
 * and the live assignment's window, in ONE statement. Both ways schedule.ts takes run it: the usual
 * one, conditional on the row versions it read (no transaction), and the locking transaction, with
 * the rows already locked (no versions).
 */
import { sql, type Database, type DbOrTx } from '@h2s/db';
import { jobEventInsertSql, jobEventNotifySql, type Actor } from './events';
import { enqueueEmailSql, scheduleReminderSql } from './notifications';
import type { ScheduleRequest } from './schedule';

export interface ScheduleWrite {
  orderId: string;
  jobId: string;
  /** The row versions (xmin) read before; null when the caller holds both rows locked. */
  versions: { order: string; job: string } | null;
  request: ScheduleRequest;
  dueAt: Date;
  actor: Actor;
  now: Date;
  /** The slot before, for a reschedule's audit row; null for a first schedule. */
  previous: unknown;
  /** A customer's own reschedule counts against their limit. */
  customerReschedule: boolean;
}

/** Runs the write; false when the rows were not the versions read (nothing was written). */
export async function writeSchedule(db: Database | DbOrTx, w: ScheduleWrite): Promise<boolean> {
  const { jobId, request, dueAt, now, previous } = w;
  const at = sql`${now.toISOString()}::timestamptz`;
  const due = sql`${dueAt.toISOString()}::timestamptz`;
  const kind = previous ? 'rescheduled' : 'scheduled';
  const eventData = JSON.stringify({ ...request, dueAt: dueAt.toISOString(), ...(previous ? { previous } : {}) });
  const emailData = JSON.stringify({
    dueAt: dueAt.toISOString(),
    date: request.date,
    timeWindow: request.timeWindow,
    timezone: request.timezone,
  });
  // The versioned path never moves a held job: its visit is placed again in the pro's day inside the
  // locking transaction (dayplan/move.ts), which runs this write and then moves the assignment.
  const versions = w.versions
    ? sql`and o.xmin = ${w.versions.order}::xid and j.xmin = ${w.versions.job}::xid and j.assigned_pro_id is null`
    : sql``;
  const [row] = await db.execute<{ matched: boolean }>(sql`
    with guard as (
      select o.id as order_id, j.id as job_id from orders o join dispatch_jobs j on j.order_id = o.id
       where o.id = ${w.orderId} and j.id = ${jobId} ${versions}
         for update of o, j
    ), slot as (
      update orders set schedule_date = ${request.date}, schedule_time_window = ${request.timeWindow}, schedule_timezone = ${request.timezone},
                        schedule_status = 'scheduled', scheduled_at = ${at}, updated_at = ${at},
                        reschedule_count = reschedule_count + ${w.customerReschedule ? 1 : 0}::int
        from guard where orders.id = guard.order_id
      returning orders.id
    ), job as (
      update dispatch_jobs set due_at = ${due}, updated_at = ${at}, calendar_sequence = calendar_sequence + 1,
                               status = case when dispatch_jobs.status = 'queued' then 'scheduled' else dispatch_jobs.status end
        from guard where dispatch_jobs.id = guard.job_id
      returning dispatch_jobs.id, dispatch_jobs.calendar_sequence
    ), event as (
      ${jobEventInsertSql({ jobId, type: kind, actor: w.actor, data: sql`${eventData}::jsonb` }, sql`job`)}
    )
    select exists (select 1 from guard) as matched,
           (select ${enqueueEmailSql({
             kind,
             key: sql`${`${kind}:${jobId}:`} || event.id`,
             orderId: w.orderId,
             jobId,
             data: sql`${emailData}::jsonb || jsonb_build_object('sequence', job.calendar_sequence)`,
           })} from event, job) as emailed,
           (select ${scheduleReminderSql(jobId, dueAt, now)} from job) as reminder,
           (select ${jobEventNotifySql(sql`event`)} from event) as notified`);
  return Boolean(row?.matched);
}
