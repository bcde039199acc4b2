import { rankOffers, type BreakdownLine } from '@h2s/scoring';
import {
  and,
  dispatchJobs,
  eq,
  inArray,
  isBlankText,
  isNull,
  perDatabase,
  preparedPerDatabase,
  pros,
  sql,
  type Database,
  type DbOrTx,
} from '@h2s/db';
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

/** en-US short weekdays by getUTCDay(): what Intl's `weekday: 'short'` says, without formatting per offer. */
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

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
    const weekday = WEEKDAYS[new Date(`${job.scheduleDate}T12:00:00Z`).getUTCDay()];
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

/** The pro's own row, as offers need it. */
function proLookup(db: Database) {
  return db
    .select({ lat: pros.lat, lng: pros.lng, serviceRadiusMiles: pros.serviceRadiusMiles, active: pros.active })
    .from(pros)
    .where(eq(pros.userId, sql.placeholder('proId')))
    .prepare('h2s_offers_pro');
}

const boxPlaceholder = (prefix: string) =>
  sql`box(point(${sql.placeholder(`${prefix}MinLng`)}, ${sql.placeholder(`${prefix}MinLat`)}), point(${sql.placeholder(`${prefix}MaxLng`)}, ${sql.placeholder(`${prefix}MaxLat`)}))`;

/** A candidate job as the statement returns it: instants already as ISO strings, no row mapping. */
export interface Candidate {
  jobId: string;
  status: 'queued' | 'scheduled';
  dueAt: string | null;
  createdAt: string;
  lat: number;
  lng: number;
  timezone: string;
  city: string;
  state: string;
  postalCode: string;
  equipment: string[];
  notes: string | null;
  timeWindow: string | null;
  scheduleDate: string | null;
  /** Minutes of work the job's bundles take (what fitting it into the pro's day needs). */
  serviceMinutes: number;
  /** Unclaimed long enough to be offered wider (OFFER_WIDEN_AFTER_MINUTES). */
  widened: boolean;
}

/** An instant as the contract's ISO-8601 UTC string, made by the database (as events' `at` is). */
const isoSql = (column: string) => sql.raw(`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);

/**
 * The open jobs near one pro, with what SQL computes cheaper than the app: instants as ISO strings, the
 * job's minutes of work and whether it has widened. Items and photo counts come later, for the offers
 * shown only (detailsStatement). A prepared statement whose rows come as the driver reads them (no
 * per-row mapping): built and planned once per database and connection, the pro and the boxes its parameters.
 */
const candidatesStatement = preparedPerDatabase<Candidate>('h2s_offers_candidates', () => {
  const proId = sql`${sql.placeholder('proId')}::text`;
  return sql`
    select j.id as "jobId", j.status, ${isoSql('j.due_at')} as "dueAt", ${isoSql('j.created_at')} as "createdAt", j.lat, j.lng,
           j.timezone, j.city, j.state, j.postal_code as "postalCode", j.equipment, j.service_minutes as "serviceMinutes", j.widened_at is not null as widened, o.notes, o.schedule_time_window as "timeWindow",
           o.schedule_date::text as "scheduleDate"
      from dispatch_jobs j
      join orders o on o.id = j.order_id
      join pros p on p.user_id = ${proId}
     where j.status in ('queued', 'scheduled') and j.assigned_pro_id is null
       -- Match the expressions of dispatch_jobs_open_location_idx and (widened jobs, the 1.5x box)
       -- dispatch_jobs_widened_location_idx, so each GiST index serves its arm.
       and (point(j.lng, j.lat) <@ ${boxPlaceholder('near')} or (j.widened_at is not null and point(j.lng, j.lat) <@ ${boxPlaceholder('wide')}))
       and ${withinReachSql('j', 'p')} and ${holdsSkillsSql('j', 'p')} and ${withinHoursSql('j', 'p')}
       and not ${clashesSql('j', proId)}`;
});

/** What only the offers shown need: the order's items as the pro reads them ("TV mount ×2") and the photo count. */
interface OfferDetails {
  jobId: string;
  bundles: string[];
  photoCount: number;
}

/** The details of the offers one answer shows (a JSON array of job ids), read after ranking so the rest never cost them. */
const detailsStatement = preparedPerDatabase<OfferDetails>(
  'h2s_offers_details',
  () => sql`
    select j.id as "jobId",
           array(select case when (item->>'quantity')::int > 1 then (item->>'name') || ' ×' || (item->>'quantity') else item->>'name' end
                   from jsonb_array_elements(o.items) with ordinality as line(item, n) order by n) as bundles,
           (select count(*)::int from customer_uploads u where u.job_id = j.id) as "photoCount"
      from dispatch_jobs j join orders o on o.id = j.order_id
     where j.id in (select jsonb_array_elements_text(${sql.placeholder('jobIds')}::jsonb))`,
);

/** The offers as a pro reads them, in the given order: one round trip for their details. */
export async function offersOf<T extends RankedCandidate>(db: Database, ranked: T[], pro: OffersPro): Promise<(Offer & { of: T })[]> {
  if (!ranked.length) return [];
  const rows = await detailsStatement(db).execute({ jobIds: JSON.stringify(ranked.map((c) => c.jobId)) });
  const byJob = new Map(rows.map((r) => [r.jobId, r]));
  return ranked.map((candidate) => Object.assign(offerOf(candidate, pro, byJob.get(candidate.jobId)), { of: candidate }));
}

/** Built once per database (the apps have one): a request runs the prepared statements. */
const proLookups = perDatabase(proLookup);

const boxParams = (prefix: string, box: LatLngBox) => ({
  [`${prefix}MinLng`]: box.minLng,
  [`${prefix}MinLat`]: box.minLat,
  [`${prefix}MaxLng`]: box.maxLng,
  [`${prefix}MaxLat`]: box.maxLat,
});

/** The pro as offers read it: where they are and how far they go. */
export interface OffersPro {
  lat: number;
  lng: number;
  serviceRadiusMiles: number;
}

/** A candidate in the seed's order: its row, with its score and distance (packages/scoring). */
export interface RankedCandidate {
  row: Candidate;
  jobId: string;
  dueAt: Date | null;
  score: number;
  distanceMiles: number;
  breakdown: BreakdownLine[];
}

/**
 * Open jobs a pro may take, best first: within reach (1.5x radius once a job has widened), needing
 * only skills the pro holds, in the pro's working hours and not clashing with a job they already
 * have (the same SQL rules jobs.accept applies). SQL narrows to a lat/lng box on the partial index
 * of open jobs; the scoring package measures the distance and ranks. Two round trips: the pro, then
 * the candidates. Rows only: offersOf makes the few an answer shows into offers (one more round trip).
 */
export async function rankedCandidates(db: Database, proId: string, now: Date): Promise<{ pro: OffersPro; ranked: RankedCandidate[] }> {
  const lookup = proLookups(db);
  const [pro] = await lookup.execute({ proId });
  if (!pro) throw notFound('Pro');
  if (!pro.active) return { pro, ranked: [] };
  const reach = pro.serviceRadiusMiles * WIDENED_RADIUS_FACTOR;
  const rows = await candidatesStatement(db).execute({
    proId,
    ...boxParams('near', boundingBox(pro, pro.serviceRadiusMiles)),
    ...boxParams('wide', boundingBox(pro, reach)),
  });
  return { pro, ranked: rankCandidates(rows, pro, now) };
}

/** The candidates in the seed's order (packages/scoring). Pure: no I/O, no clock. */
function rankCandidates(rows: Candidate[], pro: OffersPro, now: Date): RankedCandidate[] {
  // Ranked as slim copies (what scoring reads, and the row): rankOffers copies each job it returns.
  return rankOffers(
    rows.map((row) => ({
      jobId: row.jobId,
      status: row.status,
      dueAt: row.dueAt === null ? null : new Date(row.dueAt),
      createdAt: new Date(row.createdAt),
      lat: row.lat,
      lng: row.lng,
      row,
    })),
    { lat: pro.lat, lng: pro.lng, serviceRadiusMiles: pro.serviceRadiusMiles * WIDENED_RADIUS_FACTOR },
    now,
  );
}

/** One ranked candidate as a pro reads it. */
function offerOf({ row, score, distanceMiles, breakdown }: RankedCandidate, pro: OffersPro, details: OfferDetails | undefined): Offer {
  return {
    jobId: row.jobId,
    status: row.status,
    dueAt: row.dueAt,
    timeWindow: row.timeWindow,
    scheduleDate: row.scheduleDate,
    timezone: row.timezone,
    city: row.city,
    state: row.state,
    postalCode: row.postalCode,
    distanceMiles,
    score,
    breakdown,
    bundles: details?.bundles ?? [],
    equipment: row.equipment,
    hasNotes: !isBlankText(row.notes),
    createdAt: row.createdAt,
    reasons: explainOffer({ status: row.status, scheduleDate: row.scheduleDate, timeWindow: row.timeWindow, distanceMiles, breakdown }),
    photoCount: details?.photoCount ?? 0,
    outsideUsualArea: distanceMiles > pro.serviceRadiusMiles,
    awaitingSchedule: row.status === 'queued',
  };
}

/** How many open jobs there are at all, for the empty state ("none in your radius" vs "none anywhere"). */
export async function countOpenJobs(db: DbOrTx): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(dispatchJobs)
    .where(and(inArray(dispatchJobs.status, ['queued', 'scheduled']), isNull(dispatchJobs.assignedProId)));
  return row?.n ?? 0;
}
