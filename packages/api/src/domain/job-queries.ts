import { isWithinRadius } from '@h2s/scoring';
import {
  and,
  asc,
  customerUploads,
  desc,
  dispatchJobs,
  eq,
  inArray,
  isBlankText,
  isNull,
  jobAssignments,
  orders,
  pros,
  refunds,
  sql,
  users,
  type DbOrTx,
  type DispatchJob,
  type JobStatus,
  type Order,
} from '@h2s/db';
import type { Viewer } from './auth';
import { crewOf, holdsSeat, type CrewView } from './crew';
import { customerMayAccessOrder } from './customer-access';
import { forbidden, notFound } from './errors';
import { WIDENED_RADIUS_FACTOR } from './policy';

export interface JobView {
  /** A crew job (more than one pro): its seats, for the crew and dispatch. */
  crew?: CrewView;
  jobId: string;
  orderId: string;
  status: JobStatus;
  dueAt: string | null;
  timeWindow: string | null;
  scheduleDate: string | null;
  scheduleTimezone: string | null;
  timezone: string;
  city: string;
  state: string;
  postalCode: string;
  equipment: string[];
  bundles: { sku: string; name: string; quantity: number }[];
  jobDetails: string;
  /** True when the customer left no notes and job_details holds the placeholder. */
  detailsArePlaceholder: boolean;
  assignedPro: { id: string; name: string } | null;
  /** Name, phone and street address: only for the assigned pro, the customer and admins. */
  customer: { name: string; phone: string; email: string; addressLine1: string; addressLine2: string | null } | null;
  photoCount: number;
  createdAt: string;
  completedAt: string | null;
  /** Dispatch assigned it and the pro has not acknowledged it yet: it reads "Assigned by dispatch". */
  assignedByDispatch?: boolean;
  /** Skills a pro needs for this job (from its bundles). */
  skills: string[];
  /** Offered beyond pros' usual radius since then (unclaimed too long). */
  widenedAt: string | null;
  /** Still unclaimed after widening: dispatch should step in. */
  needsDispatchAt: string | null;
}

type JobRow = { job: DispatchJob; order: Order; proName: string | null; photoCount: number; awaitingAcknowledgment: boolean };

function toView({ job, order, proName, photoCount, awaitingAcknowledgment }: JobRow, revealCustomer: boolean): JobView {
  return {
    jobId: job.id,
    orderId: order.id,
    status: job.status,
    dueAt: job.dueAt?.toISOString() ?? null,
    timeWindow: order.scheduleTimeWindow,
    scheduleDate: order.scheduleDate,
    scheduleTimezone: order.scheduleTimezone,
    timezone: job.timezone,
    city: job.city,
    state: job.state,
    postalCode: job.postalCode,
    equipment: job.equipment,
    bundles: order.items.map((i) => ({ sku: i.sku, name: i.name, quantity: i.quantity })),
    jobDetails: job.jobDetails,
    detailsArePlaceholder: isBlankText(order.notes),
    assignedPro: job.assignedProId ? { id: job.assignedProId, name: proName ?? 'Assigned pro' } : null,
    customer: revealCustomer
      ? {
          name: order.customerName,
          phone: order.customerPhone,
          email: order.customerEmail,
          addressLine1: order.addressLine1,
          addressLine2: order.addressLine2,
        }
      : null,
    photoCount,
    createdAt: job.createdAt.toISOString(),
    completedAt: job.completedAt?.toISOString() ?? null,
    assignedByDispatch: awaitingAcknowledgment,
    skills: job.skills,
    widenedAt: job.widenedAt?.toISOString() ?? null,
    needsDispatchAt: job.needsDispatchAt?.toISOString() ?? null,
  };
}

const photoCount = sql<number>`(select count(*)::int from ${customerUploads} where ${customerUploads.jobId} = ${dispatchJobs.id})`;

const awaitingAcknowledgment = sql<boolean>`exists (select 1 from ${jobAssignments} where ${jobAssignments.jobId} = ${dispatchJobs.id}
  and ${jobAssignments.proId} = ${dispatchJobs.assignedProId} and ${jobAssignments.state} = 'accepted' and ${jobAssignments.acknowledgedAt} is null)`;

function jobRows(db: DbOrTx) {
  return db
    .select({ job: dispatchJobs, order: orders, proName: users.name, photoCount, awaitingAcknowledgment })
    .from(dispatchJobs)
    .innerJoin(orders, eq(orders.id, dispatchJobs.orderId))
    .leftJoin(users, eq(users.id, dispatchJobs.assignedProId));
}

/**
 * Who may see a job, and how much: the customer who ordered it, its assigned pro and admins see
 * everything; a pro it is currently offered to (open, within reach, their skills) sees it without the customer's
 * name, phone and street address, so they can decide before accepting.
 */
export async function jobAccess(db: DbOrTx, jobId: string, viewer: Viewer): Promise<{ row: JobRow; revealCustomer: boolean }> {
  const [row] = await jobRows(db).where(eq(dispatchJobs.id, jobId));
  if (!row) throw notFound('Job');
  if (viewer.role === 'admin') return { row, revealCustomer: true };
  if (viewer.role === 'customer') {
    if (!customerMayAccessOrder(viewer, row.order)) throw notFound('Job');
    return { row, revealCustomer: true };
  }
  if (row.job.assignedProId === viewer.userId) return { row, revealCustomer: true };
  if (row.job.crewSize > 1 && (await holdsSeat(db, jobId, viewer.userId))) return { row, revealCustomer: true };
  const open = (row.job.status === 'queued' || row.job.status === 'scheduled') && !row.job.assignedProId;
  if (open) {
    const [pro] = await db.select().from(pros).where(eq(pros.userId, viewer.userId));
    const reach = row.job.widenedAt ? pro && { ...pro, serviceRadiusMiles: pro.serviceRadiusMiles * WIDENED_RADIUS_FACTOR } : pro;
    const skilled = pro && row.job.skills.every((skill) => pro.skills.includes(skill));
    if (pro?.active && skilled && reach && isWithinRadius(row.job, reach)) return { row, revealCustomer: false };
  }
  throw forbidden('This job is not offered to you.');
}

export async function getJob(db: DbOrTx, jobId: string, viewer: Viewer): Promise<JobView> {
  const { row, revealCustomer } = await jobAccess(db, jobId, viewer);
  const view = toView(row, revealCustomer);
  return row.job.crewSize > 1 && viewer.role !== 'customer' ? { ...view, crew: await crewOf(db, jobId) } : view;
}

export async function jobsForPro(db: DbOrTx, proId: string): Promise<{ upcoming: JobView[]; completed: JobView[] }> {
  // The pro's own jobs, and crew jobs where they hold a seat (still open until every seat is filled).
  const mine = sql`(${dispatchJobs.assignedProId} = ${proId} or exists (select 1 from job_crew_seats s where s.job_id = ${dispatchJobs.id} and s.pro_id = ${proId}))`;
  const upcoming = await jobRows(db)
    .where(and(mine, inArray(dispatchJobs.status, ['queued', 'scheduled', 'accepted', 'en_route', 'in_progress'])))
    .orderBy(sql`${dispatchJobs.dueAt} asc nulls last`, asc(dispatchJobs.createdAt));
  const completed = await jobRows(db)
    .where(and(mine, eq(dispatchJobs.status, 'completed')))
    .orderBy(desc(dispatchJobs.completedAt))
    .limit(50);
  return { upcoming: upcoming.map((r) => toView(r, true)), completed: completed.map((r) => toView(r, true)) };
}

export interface BoardFilter {
  status?: JobStatus;
  /** Scheduled for this date (YYYY-MM-DD) in the customer's timezone. */
  date?: string;
  unassigned?: boolean;
}

export async function dispatchBoard(db: DbOrTx, filter: BoardFilter): Promise<JobView[]> {
  const conditions = [
    filter.status ? eq(dispatchJobs.status, filter.status) : undefined,
    filter.unassigned ? isNull(dispatchJobs.assignedProId) : undefined,
    // The customer's own calendar date: a 3pm job in Honolulu is due that day, not the next UTC day.
    filter.date ? eq(orders.scheduleDate, filter.date) : undefined,
  ];
  const rows = await jobRows(db)
    .where(and(...conditions))
    // Jobs nobody took even after widening come first: "needs dispatch".
    .orderBy(
      sql`(${dispatchJobs.needsDispatchAt} is not null and ${dispatchJobs.assignedProId} is null and ${dispatchJobs.status} in ('queued', 'scheduled')) desc`,
      sql`${dispatchJobs.dueAt} asc nulls last`,
      desc(dispatchJobs.createdAt),
    )
    .limit(300);
  return rows.map((r) => toView(r, true));
}

export interface OrderView {
  orderId: string;
  sessionId: string;
  paymentStatus: string;
  customerName: string;
  customerEmail: string;
  address: { line1: string; line2: string | null; city: string; state: string; postalCode: string };
  timezone: string;
  items: { sku: string; name: string; quantity: number; unitPriceCents: number }[];
  amountTotalCents: number;
  notes: string | null;
  schedule: { date: string; timeWindow: string; timezone: string; dueAt: string | null } | null;
  job: JobView | null;
  createdAt: string;
  /** Times the customer has rescheduled online (see the reschedule policy). */
  rescheduleCount: number;
  cancelledAt: string | null;
  cancellationReason: string | null;
  refund: { status: string; amountCents: number } | null;
}

async function orderViews(db: DbOrTx, where: ReturnType<typeof eq>): Promise<OrderView[]> {
  const rows = await db
    .select({
      order: orders,
      job: dispatchJobs,
      proName: users.name,
      photoCount,
      awaitingAcknowledgment,
      refund: { status: refunds.status, amountCents: refunds.amountCents },
    })
    .from(orders)
    .leftJoin(dispatchJobs, eq(dispatchJobs.orderId, orders.id))
    .leftJoin(refunds, eq(refunds.orderId, orders.id))
    .leftJoin(users, eq(users.id, dispatchJobs.assignedProId))
    .where(where)
    .orderBy(desc(orders.createdAt));
  return rows.map(({ order, job, proName, photoCount: photos, awaitingAcknowledgment: awaiting, refund }) => ({
    orderId: order.id,
    sessionId: order.stripeSessionId,
    paymentStatus: order.paymentStatus,
    customerName: order.customerName,
    customerEmail: order.customerEmail,
    address: { line1: order.addressLine1, line2: order.addressLine2, city: order.city, state: order.state, postalCode: order.postalCode },
    timezone: order.timezone,
    items: order.items.map(({ sku, name, quantity, unitPriceCents }) => ({ sku, name, quantity, unitPriceCents })),
    amountTotalCents: order.amountTotalCents,
    notes: order.notes,
    schedule:
      order.scheduleStatus === 'scheduled' && order.scheduleDate && order.scheduleTimeWindow && order.scheduleTimezone
        ? {
            date: order.scheduleDate,
            timeWindow: order.scheduleTimeWindow,
            timezone: order.scheduleTimezone,
            dueAt: job?.dueAt?.toISOString() ?? null,
          }
        : null,
    job: job ? toView({ job, order, proName, photoCount: photos ?? 0, awaitingAcknowledgment: awaiting ?? false }, true) : null,
    createdAt: order.createdAt.toISOString(),
    rescheduleCount: order.rescheduleCount,
    cancelledAt: order.cancelledAt?.toISOString() ?? null,
    cancellationReason: order.cancellationReason,
    refund: refund?.status ? { status: refund.status, amountCents: refund.amountCents } : null,
  }));
}

export async function orderBySession(db: DbOrTx, sessionId: string): Promise<OrderView> {
  const [view] = await orderViews(db, eq(orders.stripeSessionId, sessionId));
  if (!view) throw notFound('Order');
  return view;
}

/** The id of the order a checkout session paid for, without building its view. */
export async function orderIdBySession(db: DbOrTx, sessionId: string): Promise<string> {
  const [row] = await db.select({ id: orders.id }).from(orders).where(eq(orders.stripeSessionId, sessionId));
  if (!row) throw notFound('Order');
  return row.id;
}

export async function orderById(db: DbOrTx, orderId: string): Promise<OrderView> {
  const [view] = await orderViews(db, eq(orders.id, orderId));
  if (!view) throw notFound('Order');
  return view;
}

export const ordersForCustomer = (db: DbOrTx, customerUserId: string) => orderViews(db, eq(orders.customerUserId, customerUserId));
