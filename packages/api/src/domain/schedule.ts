import { Temporal } from 'temporal-polyfill';
import { z } from 'zod';
import {
  dispatchJobs,
  eq,
  isDeadlock,
  isExclusionViolation,
  jobWindowSql,
  orders,
  retryAbortedTransaction,
  sql,
  TIME_WINDOWS,
  type Database,
  type DispatchJob,
  type Order,
  type TimeWindow,
  perDatabase,
} from '@h2s/db';
import { moveAssignmentWindow } from './job-commands';
import { conflict, fieldError, notFound } from './errors';
import { jobEventInsertSql, jobEventNotifySql, recordJobEvent, type Actor } from './events';
import { enqueueEmailSql, notifyScheduled, scheduleReminderSql } from './notifications';
import { dispatchPolicy, MAX_CUSTOMER_RESCHEDULES, type DispatchPolicy } from './policy';

export const SCHEDULE_HORIZON_DAYS = 90;
export const TIME_WINDOW_LABELS = Object.keys(TIME_WINDOWS) as TimeWindow[];

export const scheduleFields = {
  date: z
    .string()
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'Date must look like 2026-01-15'),
  timezone: z.string().trim().min(1, 'Timezone is required').max(64),
  timeWindow: z.enum(TIME_WINDOW_LABELS as [TimeWindow, ...TimeWindow[]], {
    error: `Time window must be one of: ${TIME_WINDOW_LABELS.join(', ')}`,
  }),
};

export function isTimeZone(timezone: string): boolean {
  try {
    Temporal.Now.zonedDateTimeISO(timezone);
    return true;
  } catch {
    return false;
  }
}

/** The window's start as a UTC instant: local wall time in the zone, DST included. */
export function windowStartUtc(date: string, timezone: string, timeWindow: TimeWindow): Date {
  const local = Temporal.PlainDate.from(date, { overflow: 'reject' }).toPlainDateTime({ hour: TIME_WINDOWS[timeWindow] });
  // 'compatible' moves a start that falls in a spring-forward gap to the first real instant after it.
  const zoned = local.toZonedDateTime(timezone, { disambiguation: 'compatible' });
  return new Date(zoned.epochMilliseconds);
}

/** Today's date where the customer is. */
export function localToday(timezone: string, now: Date): string {
  return Temporal.Instant.fromEpochMilliseconds(now.getTime()).toZonedDateTimeISO(timezone).toPlainDate().toString();
}

export interface ScheduleRequest {
  date: string;
  timezone: string;
  timeWindow: TimeWindow;
}

/** Checks a requested slot against the calendar; returns the due instant or throws a field error. */
export function validateSlot(request: ScheduleRequest, now: Date): Date {
  if (!isTimeZone(request.timezone)) throw fieldError(['timezone'], `Unknown timezone "${request.timezone}"`);
  try {
    Temporal.PlainDate.from(request.date, { overflow: 'reject' });
  } catch {
    throw fieldError(['date'], `${request.date} is not a calendar date`);
  }
  const today = Temporal.PlainDate.from(localToday(request.timezone, now));
  const day = Temporal.PlainDate.from(request.date);
  if (Temporal.PlainDate.compare(day, today) < 0) throw fieldError(['date'], 'That date is in the past');
  if (Temporal.PlainDate.compare(day, today.add({ days: SCHEDULE_HORIZON_DAYS })) > 0) {
    throw fieldError(['date'], `Choose a date within the next ${SCHEDULE_HORIZON_DAYS} days`);
  }
  const dueAt = windowStartUtc(request.date, request.timezone, request.timeWindow);
  if (dueAt.getTime() <= now.getTime()) throw fieldError(['timeWindow'], 'That time window has already started; choose a later one');
  return dueAt;
}

export type OrderSelector = { sessionId: string } | { orderId: string; customerUserId: string } | { orderId: string };

export interface ScheduleResult {
  orderId: string;
  jobId: string;
  status: 'scheduled';
  dueAt: string;
  /** The assigned pro was busy at the new time: the job is back in offers ("finding a pro for the new time"). */
  proReleased?: boolean;
}

/** How customers reach dispatch when self-service says no. */
export const DISPATCH_CONTACT = 'call dispatch at (312) 555-0100 or reply to your confirmation email';

const HOUR = 3_600_000;

/** Whether a customer may still change or cancel a visit that starts at `dueAt`. */
export function beforeCutoff(dueAt: Date | null, now: Date, policy: DispatchPolicy): boolean {
  return !dueAt || dueAt.getTime() - now.getTime() >= policy.rescheduleCutoffHours * HOUR;
}

/**
 * Sets (or changes) the order's slot and its job's due time together, in one transaction under a
 * lock on the order. An accepted job keeps its pro; the audit trail records the change.
 */
export async function scheduleOrder(
  db: Database,
  selector: OrderSelector,
  request: ScheduleRequest,
  actor: Actor,
  now: Date,
  policy: DispatchPolicy = dispatchPolicy(),
): Promise<ScheduleResult> {
  const dueAt = validateSlot(request, now);
  const done = await scheduleInOneStatement(db, selector, request, actor, now, policy, dueAt);
  if (done) return done;
  // A reschedule moves the pro's window while their other jobs may be accepted at that instant: a
  // deadlock between the two is PostgreSQL's to break, and ours to run again.
  return retryAbortedTransaction(() => scheduleInTransaction(db, selector, request, actor, now, policy, dueAt));
}

type OrderToSchedule = Pick<
  Order,
  | 'id'
  | 'customerUserId'
  | 'cancelledAt'
  | 'paymentStatus'
  | 'scheduleStatus'
  | 'scheduleDate'
  | 'scheduleTimeWindow'
  | 'scheduleTimezone'
  | 'rescheduleCount'
>;
type JobToSchedule = Pick<DispatchJob, 'id' | 'status' | 'dueAt'>;

/**
 * Every rule a schedule change must pass, on the order and job as found (both paths below): throws
 * the refusal, or says what the change is. The policy binds customers changing a booked slot;
 * dispatch (admins) and the system may always.
 */
function planScheduleChange<O extends OrderToSchedule, J extends JobToSchedule>(
  order: O | undefined,
  job: J | null | undefined,
  selector: OrderSelector,
  request: ScheduleRequest,
  actor: Actor,
  now: Date,
  policy: DispatchPolicy,
) {
  if (!order || ('customerUserId' in selector && order.customerUserId !== selector.customerUserId)) throw notFound('Order');
  if (order.cancelledAt) throw conflict('This order was cancelled.');
  if (order.paymentStatus !== 'paid') throw conflict('Payment for this order has not been received yet.');
  if (!job) throw conflict('The job for this order is still being created; try again in a moment.');
  if (job.status === 'completed' || job.status === 'cancelled') {
    throw conflict(`This job is ${job.status} and can no longer be scheduled.`);
  }
  const previous =
    order.scheduleStatus === 'scheduled'
      ? {
          date: order.scheduleDate,
          timeWindow: order.scheduleTimeWindow,
          timezone: order.scheduleTimezone,
          dueAt: job.dueAt?.toISOString() ?? null,
        }
      : null;
  const unchanged = previous?.date === request.date && previous.timeWindow === request.timeWindow && previous.timezone === request.timezone;
  const customerReschedule = actor.role === 'customer' && previous !== null && !unchanged;
  if (customerReschedule) {
    // The pro is on the way or at the door: moving the visit now is a call to dispatch, not a form.
    if (job.status === 'en_route' || job.status === 'in_progress') {
      throw conflict(
        `Your pro is already ${job.status === 'en_route' ? 'on the way' : 'at work'}. To change this visit, ${DISPATCH_CONTACT}.`,
      );
    }
    if (!beforeCutoff(job.dueAt, now, policy)) {
      throw conflict(
        `Visits can be rescheduled online until ${policy.rescheduleCutoffHours} hours before the window starts. To change this one, ${DISPATCH_CONTACT}.`,
      );
    }
    if (order.rescheduleCount >= MAX_CUSTOMER_RESCHEDULES) {
      throw conflict(
        `This visit has already been rescheduled ${MAX_CUSTOMER_RESCHEDULES} times, the most we allow online. To change it again, ${DISPATCH_CONTACT}.`,
      );
    }
  }
  return { order, job, previous, unchanged, customerReschedule };
}

/** The order (by checkout session or id) and its job as they are now, with their row versions (xmin). */
function orderAndJob(db: Database, by: 'sessionId' | 'orderId') {
  return db
    .select({
      order: {
        id: orders.id,
        customerUserId: orders.customerUserId,
        cancelledAt: orders.cancelledAt,
        paymentStatus: orders.paymentStatus,
        scheduleStatus: orders.scheduleStatus,
        scheduleDate: orders.scheduleDate,
        scheduleTimeWindow: orders.scheduleTimeWindow,
        scheduleTimezone: orders.scheduleTimezone,
        rescheduleCount: orders.rescheduleCount,
        version: sql<string>`${orders}.xmin::text`,
      },
      job: {
        id: dispatchJobs.id,
        status: dispatchJobs.status,
        dueAt: dispatchJobs.dueAt,
        version: sql<string>`${dispatchJobs}.xmin::text`,
      },
    })
    .from(orders)
    .leftJoin(dispatchJobs, eq(dispatchJobs.orderId, orders.id))
    .where(eq(by === 'sessionId' ? orders.stripeSessionId : orders.id, sql.placeholder('key')))
    .prepare(`h2s_schedule_read_by_${by}`);
}
const readStatements = perDatabase((db) => ({ sessionId: orderAndJob(db, 'sessionId'), orderId: orderAndJob(db, 'orderId') }));

/**
 * The usual schedule change in two round trips and no transaction (issue 13): read the order and job,
 * check the rules in code, then ONE statement, on the condition that both rows are the versions read,
 * writes the order's slot, the job's due time and calendar sequence, the audit row and its NOTIFY, the
 * invite email, the reminder (replaced by its key) and the live assignment's window. A statement is
 * atomic: all of it or none. Null when that is not the whole story, and the locking transaction
 * decides: a row changed in between, or the pro is busy at the new time (the exclusion constraint
 * refused the window; the transaction releases the pro).
 */
async function scheduleInOneStatement(
  db: Database,
  selector: OrderSelector,
  request: ScheduleRequest,
  actor: Actor,
  now: Date,
  policy: DispatchPolicy,
  dueAt: Date,
): Promise<ScheduleResult | null> {
  const reads = readStatements(db);
  const [found] =
    'sessionId' in selector
      ? await reads.sessionId.execute({ key: selector.sessionId })
      : await reads.orderId.execute({ key: selector.orderId });
  const { order, job, previous, unchanged, customerReschedule } = planScheduleChange(
    found?.order,
    found?.job,
    selector,
    request,
    actor,
    now,
    policy,
  );
  const result = { orderId: order.id, jobId: job.id, status: 'scheduled' as const, dueAt: dueAt.toISOString() };
  if (unchanged) return result;
  const jobId = job.id;
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
  try {
    const [row] = await db.execute<{ matched: boolean }>(sql`
      with guard as (
        select o.id as order_id, j.id as job_id from orders o join dispatch_jobs j on j.order_id = o.id
         where o.id = ${order.id} and j.id = ${jobId} and o.xmin = ${order.version}::xid and j.xmin = ${job.version}::xid
           and j.assigned_pro_id is null -- a held job's visit is placed again: the transaction's work (moveAssignmentWindow)
           for update of o, j
      ), slot as (
        update orders set schedule_date = ${request.date}, schedule_time_window = ${request.timeWindow}, schedule_timezone = ${request.timezone},
                          schedule_status = 'scheduled', scheduled_at = ${at}, updated_at = ${at},
                          reschedule_count = reschedule_count + ${customerReschedule ? 1 : 0}::int
          from guard where orders.id = guard.order_id
        returning orders.id
      ), job as (
        update dispatch_jobs set due_at = ${due}, status = ${job.status === 'queued' ? 'scheduled' : job.status}, updated_at = ${at},
                                 calendar_sequence = calendar_sequence + 1
          from guard where dispatch_jobs.id = guard.job_id
        returning dispatch_jobs.id, dispatch_jobs.calendar_sequence
      ), event as (
        ${jobEventInsertSql({ jobId, type: kind, actor, data: sql`${eventData}::jsonb` }, sql`job`)}
      ), assignment as (
        update job_assignments set window_range = ${jobWindowSql(due)}
          from guard where job_assignments.job_id = guard.job_id and job_assignments.state = 'accepted'
        returning job_assignments.id
      )
      select exists (select 1 from guard) as matched,
             (select ${enqueueEmailSql({
               kind,
               key: sql`${`${kind}:${jobId}:`} || event.id`,
               orderId: order.id,
               jobId,
               data: sql`${emailData}::jsonb || jsonb_build_object('sequence', job.calendar_sequence)`,
             })} from event, job) as emailed,
             (select ${scheduleReminderSql(jobId, dueAt, now)} from job) as reminder,
             (select count(*) from assignment) as moved,
             (select ${jobEventNotifySql(sql`event`)} from event) as notified`);
    return row?.matched ? result : null;
  } catch (error) {
    if (isExclusionViolation(error) || isDeadlock(error)) return null;
    throw error;
  }
}

function scheduleInTransaction(
  db: Database,
  selector: OrderSelector,
  request: ScheduleRequest,
  actor: Actor,
  now: Date,
  policy: DispatchPolicy,
  dueAt: Date,
): Promise<ScheduleResult> {
  return db.transaction(async (tx) => {
    const where = 'sessionId' in selector ? eq(orders.stripeSessionId, selector.sessionId) : eq(orders.id, selector.orderId);
    const [found]: (Order | undefined)[] = await tx.select().from(orders).where(where).for('update');
    const [foundJob] = found ? await tx.select().from(dispatchJobs).where(eq(dispatchJobs.orderId, found.id)).for('update') : [];
    const { order, job, previous, unchanged, customerReschedule } = planScheduleChange(
      found,
      foundJob,
      selector,
      request,
      actor,
      now,
      policy,
    );
    let proReleased = false;
    if (!unchanged) {
      await tx
        .update(orders)
        .set({
          scheduleDate: request.date,
          scheduleTimeWindow: request.timeWindow,
          scheduleTimezone: request.timezone,
          scheduleStatus: 'scheduled',
          scheduledAt: now,
          updatedAt: now,
          ...(customerReschedule ? { rescheduleCount: order.rescheduleCount + 1 } : {}),
        })
        .where(eq(orders.id, order.id));
      await tx
        .update(dispatchJobs)
        .set({ dueAt, status: job.status === 'queued' ? 'scheduled' : job.status, updatedAt: now })
        .where(eq(dispatchJobs.id, job.id));
      const { eventId } = await recordJobEvent(tx, job.id, previous ? 'rescheduled' : 'scheduled', actor, {
        ...request,
        dueAt: dueAt.toISOString(),
        ...(previous ? { previous } : {}),
      });
      await notifyScheduled(tx, { orderId: order.id, jobId: job.id, eventId, rescheduled: previous !== null, dueAt, ...request }, now);
      // An accepted job's pro keeps it if free at the new time; otherwise it goes back to offers.
      proReleased = await moveAssignmentWindow(tx, job.id, actor, now, policy);
    }
    return {
      orderId: order.id,
      jobId: job.id,
      status: 'scheduled' as const,
      dueAt: dueAt.toISOString(),
      ...(proReleased ? { proReleased } : {}),
    };
  });
}
