/**
 * The customer's tracking page (/track/{token}): no sign-in, so the token is the authorization.
 * It is `<orderId>.<version>.<HMAC of both>`: unguessable without the server's secret, one per
 * order, computable by anyone holding the secret (the worker puts it in every email), and
 * revocable by raising `orders.tracking_version`. The page shows progress, never the address or
 * the pro's full name.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Temporal } from 'temporal-polyfill';
import {
  and,
  asc,
  customerUploads,
  dispatchJobs,
  eq,
  inArray,
  jobEvents,
  orders,
  refunds,
  sql,
  users,
  type DbOrTx,
  type JobStatus,
} from '@h2s/db';
import type { ApiDeps } from './deps';
import { notFound } from './errors';
import { homeWindowLabel } from './home-hours';
import { ratingPath } from './rating-link';
import { signUploadUrl } from './uploads';
import { etaForJob } from './dayplan/my-day';

type TrackingDeps = Pick<ApiDeps, 'urlSigningSecret'>;

const macOf = (secret: string, orderId: string, version: number) =>
  createHmac('sha256', secret).update(`tracking:${orderId}.${version}`).digest('base64url');

export const trackingToken = (deps: TrackingDeps, orderId: string, version: number) =>
  `${orderId}.${version}.${macOf(deps.urlSigningSecret, orderId, version)}`;

export const trackingUrl = (deps: TrackingDeps & Pick<ApiDeps, 'customerOrigin'>, orderId: string, version: number) =>
  `${deps.customerOrigin}/track/${trackingToken(deps, orderId, version)}`;

/** The customer's tracking page for a paid order (the link every email carries), or null before payment. */
export async function trackingPathOf(
  db: DbOrTx,
  deps: TrackingDeps,
  order: { orderId: string; paymentStatus: string },
): Promise<string | null> {
  if (order.paymentStatus !== 'paid') return null;
  const [row] = await db.select({ version: orders.trackingVersion }).from(orders).where(eq(orders.id, order.orderId));
  return row ? `/track/${trackingToken(deps, order.orderId, row.version)}` : null;
}

/** trackingPathOf for many paid orders in one query: order id → path (orders not paid are left out). */
export async function trackingPathsOf(db: DbOrTx, deps: TrackingDeps, orderIds: string[]): Promise<Map<string, string>> {
  const paths = new Map<string, string>();
  if (!orderIds.length) return paths;
  const rows = await db
    .select({ id: orders.id, version: orders.trackingVersion })
    .from(orders)
    .where(and(inArray(orders.id, orderIds), eq(orders.paymentStatus, 'paid')));
  for (const row of rows) paths.set(row.id, `/track/${trackingToken(deps, row.id, row.version)}`);
  return paths;
}

export const TRACKING_TOKEN_PATTERN = /^ORD-[A-Z2-7]{8}\.[1-9]\d{0,8}\.[A-Za-z0-9_-]{43}$/;

/** The order a token opens, or NOT_FOUND for a forged, mangled or revoked one (one answer for all). */
export async function orderOfToken(db: DbOrTx, deps: TrackingDeps, token: string): Promise<{ orderId: string; jobId: string | null }> {
  if (!TRACKING_TOKEN_PATTERN.test(token)) throw notFound('Tracking link');
  const [orderId, versionText, mac] = token.split('.') as [string, string, string];
  const version = Number(versionText);
  // Compared as text: base64url's last character carries two unused bits, so comparing decoded
  // bytes would accept four spellings of one MAC.
  const expected = Buffer.from(macOf(deps.urlSigningSecret, orderId, version));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw notFound('Tracking link');
  const [row] = await db
    .select({ version: orders.trackingVersion, paymentStatus: orders.paymentStatus, jobId: dispatchJobs.id })
    .from(orders)
    .leftJoin(dispatchJobs, eq(dispatchJobs.orderId, orders.id))
    .where(eq(orders.id, orderId));
  if (!row || row.version !== version || row.paymentStatus !== 'paid') throw notFound('Tracking link');
  return { orderId, jobId: row.jobId };
}

/** Raises the order's tracking version: every link out stops working; new emails carry the new one. */
export async function revokeTracking(db: DbOrTx, orderId: string): Promise<{ orderId: string; trackingVersion: number }> {
  const [row] = await db
    .update(orders)
    .set({ trackingVersion: sql`${orders.trackingVersion} + 1` })
    .where(eq(orders.id, orderId))
    .returning({ trackingVersion: orders.trackingVersion });
  if (!row) throw notFound('Order');
  return { orderId, trackingVersion: row.trackingVersion };
}

export const TRACKING_STEPS = ['booked', 'scheduled', 'assigned', 'en_route', 'in_progress', 'completed'] as const;
export type TrackingStep = (typeof TRACKING_STEPS)[number];

export interface TrackingView {
  status: JobStatus;
  /** The booked window in the customer's timezone; null until scheduled. */
  window: { date: string; timeWindow: string; timezone: string; startsAt: string; label: string } | null;
  timeline: { step: TrackingStep; label: string; done: boolean; current: boolean; at: string | null }[];
  /** First name only. */
  proFirstName: string | null;
  items: { name: string; quantity: number }[];
  afterPhotos: { uploadId: string; url: string }[];
  completedAt: string | null;
  /** What the pro wrote for the customer when finishing. */
  completionNotes: string | null;
  /** A cancelled order: when, and what was refunded. */
  cancellation: { at: string; reason: string | null; refundCents: number | null; refundStatus: string | null } | null;
  /** A job for more than one pro: how many of its seats are confirmed ("1 of 2 pros confirmed"). */
  crew: { size: number; confirmed: number } | null;
  /** Once the visit is done: where the customer rates it (/rate/{token}). */
  ratingPath: string | null;
  /** The customer's timezone (the service address's), for the times on the timeline. */
  timezone: string;
  /** While the pro is on the way: when they are expected (the plan, the departure, earlier stops running late). */
  eta?: { at: string; lateMinutes: number } | null;
}

/** How far along each status is; a step is done when the job has reached it. */
const REACHED: Record<JobStatus, number> = {
  queued: 0,
  scheduled: 1,
  accepted: 2,
  en_route: 3,
  in_progress: 4,
  completed: 5,
  cancelled: -1,
};
const STEP_EVENTS: Record<TrackingStep, string[]> = {
  booked: ['created'],
  scheduled: ['scheduled', 'rescheduled'],
  assigned: ['accepted', 'assigned', 'reassigned'],
  en_route: ['departed'],
  in_progress: ['started'],
  completed: ['completed'],
};

export const firstName = (name: string | null | undefined) => (name ?? '').trim().split(/\s+/)[0] || null;

/** "Tue Dec 4, 9am - 12pm" in the customer's timezone. */
export function windowLabel(date: string, timeWindow: string): string {
  const day = Temporal.PlainDate.from(date);
  return `${day.toLocaleString('en-US', { weekday: 'short', month: 'short', day: 'numeric' })}, ${timeWindow}`;
}

const localDateOf = (instant: Date, timezone: string) =>
  Temporal.Instant.fromEpochMilliseconds(instant.getTime()).toZonedDateTimeISO(timezone).toPlainDate().toString();

/** "Thu, Jan 15, 9am - 12pm": a visit's day and window as the clock reads at the home (its zone). */
export const homeSlotLabel = (dueAt: Date, homeTimezone: string) =>
  windowLabel(localDateOf(dueAt, homeTimezone), homeWindowLabel(dueAt, homeTimezone));

export async function getTracking(deps: Pick<ApiDeps, 'db' | 'clock' | 'urlSigningSecret'>, token: string): Promise<TrackingView> {
  const { orderId, jobId } = await orderOfToken(deps.db, deps, token);
  const [row] = await deps.db
    .select({
      order: orders,
      status: dispatchJobs.status,
      dueAt: dispatchJobs.dueAt,
      completedAt: dispatchJobs.completedAt,
      completionNotes: dispatchJobs.completionNotes,
      crewSize: dispatchJobs.crewSize,
      seatsTaken: dispatchJobs.seatsTaken,
      proName: users.name,
      refund: { amountCents: refunds.amountCents, status: refunds.status },
    })
    .from(orders)
    .leftJoin(dispatchJobs, eq(dispatchJobs.orderId, orders.id))
    .leftJoin(users, eq(users.id, dispatchJobs.assignedProId))
    .leftJoin(refunds, eq(refunds.orderId, orders.id))
    .where(eq(orders.id, orderId));
  if (!row) throw notFound('Tracking link');
  const status: JobStatus = row.status ?? 'queued';
  const events = jobId
    ? await deps.db
        .select({ type: jobEvents.type, createdAt: jobEvents.createdAt })
        .from(jobEvents)
        .where(eq(jobEvents.jobId, jobId))
        .orderBy(asc(jobEvents.id))
    : [];
  const reached = REACHED[status];
  const labels: Record<TrackingStep, string> = {
    booked: 'Booked',
    scheduled: 'Scheduled',
    assigned: row.proName && reached >= 2 ? `${firstName(row.proName)} is your pro` : 'Pro assigned',
    en_route: 'On the way',
    in_progress: 'Work started',
    completed: 'Completed',
  };
  const timeline = TRACKING_STEPS.map((step, index) => {
    const last = events.filter((e) => STEP_EVENTS[step].includes(e.type)).at(-1);
    const done = step === 'scheduled' ? row.order.scheduleStatus === 'scheduled' && reached >= 0 : index === 0 || index <= reached;
    return {
      step,
      label: labels[step],
      done,
      current: index === Math.max(reached, 0),
      at: done && last ? last.createdAt.toISOString() : null,
    };
  });
  const { order } = row;
  const afterRows =
    jobId && status === 'completed'
      ? await deps.db
          .select({ id: customerUploads.id })
          .from(customerUploads)
          .where(and(eq(customerUploads.jobId, jobId), inArray(customerUploads.kind, ['after'])))
          .orderBy(asc(customerUploads.createdAt), asc(customerUploads.id))
      : [];
  return {
    status,
    window:
      order.scheduleDate && order.scheduleTimeWindow && order.scheduleTimezone && row.dueAt
        ? {
            date: order.scheduleDate,
            timeWindow: order.scheduleTimeWindow,
            timezone: order.scheduleTimezone,
            startsAt: row.dueAt.toISOString(),
            // At the home: the visit happens there, whatever zone it was booked in.
            label: `${homeSlotLabel(row.dueAt, order.timezone)} at the home`,
          }
        : null,
    timeline,
    proFirstName: reached >= 2 ? firstName(row.proName) : null,
    items: order.items.map((i) => ({ name: i.name, quantity: i.quantity })),
    afterPhotos: afterRows.map((r) => ({ uploadId: r.id, url: signUploadUrl(deps, r.id) })),
    completedAt: row.completedAt?.toISOString() ?? null,
    completionNotes: status === 'completed' ? row.completionNotes : null,
    cancellation: order.cancelledAt
      ? {
          at: order.cancelledAt.toISOString(),
          reason: order.cancellationReason,
          refundCents: row.refund?.amountCents ?? null,
          refundStatus: row.refund?.status ?? null,
        }
      : null,
    timezone: order.timezone,
    ...(jobId && status === 'en_route' ? { eta: await etaOnTheWay(deps.db, jobId, deps.clock.now()) } : {}),
    crew: row.crewSize && row.crewSize > 1 ? { size: row.crewSize, confirmed: row.seatsTaken ?? 0 } : null,
    ratingPath: status === 'completed' ? ratingPath(deps, orderId, order.trackingVersion) : null,
  };
}

async function etaOnTheWay(db: DbOrTx, jobId: string, now: Date) {
  const found = await etaForJob(db, jobId, now);
  return found ? { at: found.eta, lateMinutes: found.lateMinutes } : null;
}
