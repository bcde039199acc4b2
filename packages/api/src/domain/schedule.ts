import {
  dispatchJobs,
  eq,
  isDeadlock,
  isExclusionViolation,
  orders,
  retryAbortedTransaction,
  sql,
  type Database,
  type DispatchJob,
  type Order,
  perDatabase,
} from '@h2s/db';
import { moveAssignmentWindow } from './dayplan/move';
import { writeSchedule } from './schedule-write';
import { assertWithinHomeHours } from './home-hours';
import { conflict, notFound } from './errors';
import type { Actor } from './events';
import { dispatchPolicy, MAX_CUSTOMER_RESCHEDULES, type DispatchPolicy } from './policy';

export {
  SCHEDULE_HORIZON_DAYS,
  TIME_WINDOW_LABELS,
  scheduleFields,
  isTimeZone,
  windowStartUtc,
  localToday,
  validateSlot,
  type ScheduleRequest,
} from './schedule-slot';
import { validateSlot, type ScheduleRequest } from './schedule-slot';

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
  | 'timezone'
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
  dueAt: Date,
) {
  if (!order || ('customerUserId' in selector && order.customerUserId !== selector.customerUserId)) throw notFound('Order');
  assertWithinHomeHours(dueAt, order.timezone, request.timezone);
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
        timezone: orders.timezone,
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
 * check the rules in code, then the one write (schedule-write.ts) on the condition that both rows are
 * the versions read. A statement is atomic: all of it or none. Null when that is not the whole story,
 * and the locking transaction decides: a row changed in between, or the pro is busy at the new time
 * (the exclusion constraint refused the window; the transaction releases the pro).
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
    dueAt,
  );
  const result = { orderId: order.id, jobId: job.id, status: 'scheduled' as const, dueAt: dueAt.toISOString() };
  if (unchanged) return result;
  const write = { orderId: order.id, jobId: job.id, request, dueAt, actor, now, previous, customerReschedule };
  try {
    return (await writeSchedule(db, { ...write, versions: { order: order.version, job: job.version } })) ? result : null;
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
      dueAt,
    );
    let proReleased = false;
    if (!unchanged) {
      const write = { orderId: order.id, jobId: job.id, versions: null, request, dueAt, actor, now, previous, customerReschedule };
      await writeSchedule(tx, write);
      // An accepted job's pro keeps it if their day still fits it; otherwise it goes back to offers.
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
