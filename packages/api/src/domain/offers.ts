import { rankOffers, type BreakdownLine } from '@h2s/scoring';
import { and, customerUploads, dispatchJobs, eq, inArray, isBlankText, isNull, orders, pros, sql, type DbOrTx } from '@h2s/db';
import { notFound } from './errors';
import { WIDENED_RADIUS_FACTOR } from './policy';
import { clashesSql, holdsSkillsSql, withinHoursSql, withinReachSql } from './reach';

/** Miles per degree of latitude; a degree of longitude shrinks with cos(latitude). */
const MILES_PER_DEGREE = 69.0;

export interface LatLngBox {
  minLat: number;
  maxLat: number;
  minLng: number;
  maxLng: number;
}

/** A box that contains every point within `miles` of the center (slightly larger, never smaller). */
export function boundingBox(center: { lat: number; lng: number }, miles: number): LatLngBox {
  const dLat = miles / MILES_PER_DEGREE;
  const cos = Math.cos((Math.min(89, Math.abs(center.lat) + dLat) * Math.PI) / 180);
  const dLng = Math.min(180, miles / (MILES_PER_DEGREE * cos));
  // 1% margin: haversine's earth radius and the box's mile-per-degree differ slightly.
  return {
    minLat: center.lat - dLat * 1.01,
    maxLat: center.lat + dLat * 1.01,
    minLng: center.lng - dLng * 1.01,
    maxLng: center.lng + dLng * 1.01,
  };
}

export interface Offer {
  jobId: string;
  status: 'queued' | 'scheduled';
  dueAt: string | null;
  timeWindow: string | null;
  scheduleDate: string | null;
  timezone: string;
  city: string;
  state: string;
  postalCode: string;
  distanceMiles: number;
  score: number;
  breakdown: BreakdownLine[];
  bundles: string[];
  equipment: string[];
  hasNotes: boolean;
  createdAt: string;
  /** Why this offer ranks where it does, as a pro would say it: "Scheduled for Tue 9am-12pm", "1.1 mi away". */
  reasons?: string[];
  /** How many photos the customer added (0: none yet). */
  photoCount?: number;
  /** Offered because nobody nearer took it: beyond the pro's radius, within 1.5x. */
  outsideUsualArea: boolean;
  /** Queued: the customer has not picked a time yet. */
  awaitingSchedule: boolean;
}

/** "9am - 12pm" as a pro writes it: "9am-12pm". */
const compactWindow = (timeWindow: string) => timeWindow.replace(/\s*[-–]\s*/, '-');

/** Built once: an Intl formatter costs far more to create than to use (it was 7% of a busy portal's CPU). */
const WEEKDAY = new Intl.DateTimeFormat('en-US', { weekday: 'short', timeZone: 'UTC' });

/** The offer's score, explained in a pro's words rather than points. */
export function explainOffer(job: {
  status: 'queued' | 'scheduled';
  scheduleDate: string | null;
  timeWindow: string | null;
  distanceMiles: number;
  breakdown: BreakdownLine[];
}): string[] {
  const reasons: string[] = [];
  if (job.status === 'scheduled' && job.scheduleDate && job.timeWindow) {
    const weekday = WEEKDAY.format(new Date(`${job.scheduleDate}T12:00:00Z`));
    reasons.push(`Scheduled for ${weekday} ${compactWindow(job.timeWindow)}`);
  } else {
    reasons.push('The customer has not picked a time yet');
  }
  reasons.push(`${job.distanceMiles.toFixed(1)} mi away`);
  const urgency = job.breakdown.find((line) => line.rule === 'urgency');
  if (urgency) {
    // "+30 due within 24 h" → "due within 24 h"; "+40 overdue" → "overdue".
    reasons.push(urgency.label.replace(/^[+-]?\d+(\.\d+)?\s+/, ''));
  }
  return reasons;
}

/**
 * Open jobs a pro may take, best first: within reach (1.5x radius once a job has widened), needing
 * only skills the pro holds, in the pro's working hours and not clashing with a job they already
 * have (the same SQL rules jobs.accept applies). SQL narrows to a lat/lng box on the partial index
 * of open jobs; the scoring package measures the distance and ranks.
 */
export async function listOffers(db: DbOrTx, proId: string, now: Date): Promise<Offer[]> {
  const [pro] = await db.select().from(pros).where(eq(pros.userId, proId));
  if (!pro) throw notFound('Pro');
  if (!pro.active) return [];
  const reach = pro.serviceRadiusMiles * WIDENED_RADIUS_FACTOR;
  const box = boundingBox(pro, pro.serviceRadiusMiles);
  const wideBox = boundingBox(pro, reach);
  const inBox = (b: LatLngBox) =>
    sql`point(${dispatchJobs.lng}, ${dispatchJobs.lat}) <@ box(point(${b.minLng}, ${b.minLat}), point(${b.maxLng}, ${b.maxLat}))`;
  const rows = await db
    .select({
      jobId: dispatchJobs.id,
      status: dispatchJobs.status,
      dueAt: dispatchJobs.dueAt,
      createdAt: dispatchJobs.createdAt,
      lat: dispatchJobs.lat,
      lng: dispatchJobs.lng,
      timezone: dispatchJobs.timezone,
      city: dispatchJobs.city,
      state: dispatchJobs.state,
      postalCode: dispatchJobs.postalCode,
      equipment: dispatchJobs.equipment,
      jobDetails: dispatchJobs.jobDetails,
      items: orders.items,
      notes: orders.notes,
      timeWindow: orders.scheduleTimeWindow,
      scheduleDate: orders.scheduleDate,
    })
    .from(dispatchJobs)
    .innerJoin(orders, eq(orders.id, dispatchJobs.orderId))
    .innerJoin(pros, eq(pros.userId, proId))
    .where(
      and(
        inArray(dispatchJobs.status, ['queued', 'scheduled']),
        isNull(dispatchJobs.assignedProId),
        // Match the expressions of dispatch_jobs_open_location_idx and (widened jobs, the 1.5x box)
        // dispatch_jobs_widened_location_idx, so each GiST index serves its arm.
        sql`(${inBox(box)} or (${dispatchJobs.widenedAt} is not null and ${inBox(wideBox)}))`,
        withinReachSql('dispatch_jobs', 'pros'),
        holdsSkillsSql('dispatch_jobs', 'pros'),
        withinHoursSql('dispatch_jobs', 'pros'),
        sql`not ${clashesSql('dispatch_jobs', proId)}`,
      ),
    );
  const ranked = rankOffers(
    rows.map((row) => ({ ...row, status: row.status as 'queued' | 'scheduled' })),
    { lat: pro.lat, lng: pro.lng, serviceRadiusMiles: reach },
    now,
  );
  const photos = ranked.length
    ? await db
        .select({ jobId: customerUploads.jobId, count: sql<number>`count(*)::int` })
        .from(customerUploads)
        .where(
          inArray(
            customerUploads.jobId,
            ranked.map((job) => job.jobId),
          ),
        )
        .groupBy(customerUploads.jobId)
    : [];
  const photoCounts = new Map(photos.map((row) => [row.jobId, row.count]));
  return ranked.map((job) => ({
    jobId: job.jobId,
    status: job.status,
    dueAt: job.dueAt?.toISOString() ?? null,
    timeWindow: job.timeWindow,
    scheduleDate: job.scheduleDate,
    timezone: job.timezone,
    city: job.city,
    state: job.state,
    postalCode: job.postalCode,
    distanceMiles: job.distanceMiles,
    score: job.score,
    breakdown: job.breakdown,
    bundles: job.items.map((item) => (item.quantity > 1 ? `${item.name} ×${item.quantity}` : item.name)),
    equipment: job.equipment,
    hasNotes: !isBlankText(job.notes),
    createdAt: job.createdAt.toISOString(),
    reasons: explainOffer(job),
    photoCount: photoCounts.get(job.jobId) ?? 0,
    outsideUsualArea: job.distanceMiles > pro.serviceRadiusMiles,
    awaitingSchedule: job.status === 'queued',
  }));
}

/** How many open jobs there are at all, for the empty state ("none in your radius" vs "none anywhere"). */
export async function countOpenJobs(db: DbOrTx): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(dispatchJobs)
    .where(and(inArray(dispatchJobs.status, ['queued', 'scheduled']), isNull(dispatchJobs.assignedProId)));
  return row?.n ?? 0;
}
