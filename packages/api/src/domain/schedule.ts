import { Temporal } from 'temporal-polyfill';
import { z } from 'zod';
import { dispatchJobs, eq, orders, retryAbortedTransaction, TIME_WINDOWS, type Database, type Order, type TimeWindow } from '@h2s/db';
import { moveAssignmentWindow } from './job-commands';
import { conflict, fieldError, notFound } from './errors';
import { recordJobEvent, type Actor } from './events';
import { notifyScheduled } from './notifications';
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
  // A reschedule moves the pro's window while their other jobs may be accepted at that instant: a
  // deadlock between the two is PostgreSQL's to break, and ours to run again.
  return retryAbortedTransaction(() => scheduleInTransaction(db, selector, request, actor, now, policy, dueAt));
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
    const [order]: (Order | undefined)[] = await tx.select().from(orders).where(where).for('update');
    if (!order || ('customerUserId' in selector && order.customerUserId !== selector.customerUserId)) throw notFound('Order');
    if (order.cancelledAt) throw conflict('This order was cancelled.');
    if (order.paymentStatus !== 'paid') throw conflict('Payment for this order has not been received yet.');
    const [job] = await tx.select().from(dispatchJobs).where(eq(dispatchJobs.orderId, order.id)).for('update');
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
    const unchanged =
      previous?.date === request.date && previous.timeWindow === request.timeWindow && previous.timezone === request.timezone;
    // The policy binds customers changing a booked slot; dispatch (admins) and the system may always.
    const customerReschedule = actor.role === 'customer' && previous !== null && !unchanged;
    if (customerReschedule) {
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
