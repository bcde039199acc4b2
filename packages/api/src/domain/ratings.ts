/**
 * Ratings: after the visit the customer rates it 1–5 with an optional comment, through the rating
 * link (rating-link.ts: the tracking link's rules under its own HMAC purpose). One rating
 * per job (its primary key), from the order's customer (composite foreign keys); it can be changed
 * for RATING_CHANGE_DAYS after it was first given.
 */
import { timingSafeEqual } from 'node:crypto';
import { and, eq, inArray, jobRatings, sql, users, type DbOrTx } from '@h2s/db';
import type { ApiDeps } from './deps';
import { conflict, notFound } from './errors';
import { ratingMac } from './rating-link';
import { firstName, TRACKING_TOKEN_PATTERN } from './tracking';

type RatingDeps = Pick<ApiDeps, 'urlSigningSecret'>;

export const RATING_CHANGE_DAYS = 7;
/** At or below this a rating is flagged for dispatch. */
export const LOW_RATING_STARS = 2;
const RECENT_COMMENTS = 10;

export interface RatingView {
  jobId: string;
  stars: number;
  comment: string | null;
  createdAt: string;
  updatedAt: string;
  /** Until when the customer may still change it. */
  changeableUntil: string;
}

const changeableUntil = (createdAt: Date) => new Date(createdAt.getTime() + RATING_CHANGE_DAYS * 86_400_000);

const viewOf = (row: typeof jobRatings.$inferSelect): RatingView => ({
  jobId: row.jobId,
  stars: row.stars,
  comment: row.comment,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
  changeableUntil: changeableUntil(row.createdAt).toISOString(),
});

interface RatedJob {
  orderId: string;
  jobId: string | null;
  status: string | null;
  proName: string | null;
}

/** The job a rating token opens, or NOT_FOUND for a forged, mangled, revoked or unpaid one (one answer for all). */
async function jobOfRatingToken(db: DbOrTx, deps: RatingDeps, token: string): Promise<RatedJob> {
  if (!TRACKING_TOKEN_PATTERN.test(token)) throw notFound('Rating link');
  const [orderId, versionText, mac] = token.split('.') as [string, string, string];
  const version = Number(versionText);
  const expected = Buffer.from(ratingMac(deps.urlSigningSecret, orderId, version));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw notFound('Rating link');
  const [row] = await db.execute<{
    version: number;
    paid: boolean;
    job_id: string | null;
    status: string | null;
    pro_name: string | null;
  }>(sql`
    select o.tracking_version as version, o.payment_status = 'paid' as paid, j.id as job_id, j.status, u.name as pro_name
    from orders o
    left join dispatch_jobs j on j.order_id = o.id
    left join users u on u.id = j.assigned_pro_id
    where o.id = ${orderId}`);
  if (!row || row.version !== version || !row.paid) throw notFound('Rating link');
  return { orderId, jobId: row.job_id, status: row.status, proName: row.pro_name };
}

export interface RatingPage {
  /** The visit can be rated (it is done). */
  open: boolean;
  proFirstName: string | null;
  rating: RatingView | null;
  /** False once the change window has passed. */
  changeable: boolean;
}

/** What the rating page shows: whether the visit can be rated, and the rating given so far. */
export async function getRatingPage(deps: Pick<ApiDeps, 'db' | 'clock' | 'urlSigningSecret'>, token: string): Promise<RatingPage> {
  const job = await jobOfRatingToken(deps.db, deps, token);
  const [row] = job.jobId ? await deps.db.select().from(jobRatings).where(eq(jobRatings.jobId, job.jobId)) : [];
  const open = job.status === 'completed';
  return {
    open,
    proFirstName: open ? firstName(job.proName) : null,
    rating: row ? viewOf(row) : null,
    changeable: open && (!row || changeableUntil(row.createdAt) > deps.clock.now()),
  };
}

export interface RatingInput {
  token: string;
  stars: number;
  comment?: string | null | undefined;
}

/**
 * Gives or changes the job's rating: one statement, so two submits at once leave one row. The visit
 * must be done; a change after the window is CONFLICT.
 */
export async function submitRating(deps: Pick<ApiDeps, 'db' | 'clock' | 'urlSigningSecret'>, input: RatingInput): Promise<RatingView> {
  const now = deps.clock.now();
  const job = await jobOfRatingToken(deps.db, deps, input.token);
  if (!job.jobId || job.status !== 'completed') throw conflict('The visit can be rated once it is done.');
  const comment = input.comment?.trim() || null;
  const since = new Date(now.getTime() - RATING_CHANGE_DAYS * 86_400_000);
  const [row] = await deps.db
    .insert(jobRatings)
    .select(
      sql`select j.id, o.id, o.customer_user_id, j.assigned_pro_id, ${input.stars}::smallint, ${comment}::text, ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz
          from dispatch_jobs j join orders o on o.id = j.order_id
          where j.id = ${job.jobId} and j.status = 'completed'`,
    )
    .onConflictDoUpdate({
      target: jobRatings.jobId,
      set: { stars: sql`excluded.stars`, comment: sql`excluded.comment`, updatedAt: sql`excluded.updated_at` },
      setWhere: sql`${jobRatings.createdAt} > ${since.toISOString()}::timestamptz`,
    })
    .returning();
  if (row) return viewOf(row);
  const [existing] = await deps.db.select().from(jobRatings).where(eq(jobRatings.jobId, job.jobId));
  if (existing) throw conflict(`A rating can be changed for ${RATING_CHANGE_DAYS} days after it was given.`);
  throw conflict('The visit can be rated once it is done.');
}

export interface ProRatingSummary {
  proId: string;
  /** Null before the first rating. */
  average: number | null;
  count: number;
  lowCount: number;
  recent: { jobId: string; stars: number; comment: string | null; at: string; low: boolean }[];
}

/** Average stars per pro (one query), for dispatch: pros without a rating are left out. */
export async function ratingAverages(db: DbOrTx, proIds: string[]): Promise<Map<string, { average: number; count: number }>> {
  const averages = new Map<string, { average: number; count: number }>();
  if (!proIds.length) return averages;
  const rows = await db
    .select({ proId: jobRatings.proId, average: sql<string>`avg(${jobRatings.stars})`, count: sql<number>`count(*)::int` })
    .from(jobRatings)
    .where(inArray(jobRatings.proId, proIds))
    .groupBy(jobRatings.proId);
  for (const r of rows) averages.set(r.proId, { average: Math.round(Number(r.average) * 100) / 100, count: r.count });
  return averages;
}

/** A pro's average and latest ratings (newest first); every pro's for an admin when proIds is null. */
export async function ratingSummaries(db: DbOrTx, proIds: string[] | null): Promise<(ProRatingSummary & { name: string })[]> {
  const pros = await db
    .select({ proId: users.id, name: users.name })
    .from(users)
    .where(proIds ? and(eq(users.role, 'pro'), inArray(users.id, proIds.length ? proIds : [''])) : eq(users.role, 'pro'))
    .orderBy(users.name);
  const ids = pros.map((p) => p.proId);
  const averages = await ratingAverages(db, ids);
  const recentRows = ids.length
    ? await db.execute<{ pro_id: string; job_id: string; stars: number; comment: string | null; updated_at: Date | string }>(sql`
        select pro_id, job_id, stars, comment, updated_at from (
          select r.*, row_number() over (partition by pro_id order by updated_at desc, job_id) as n
          from job_ratings r where pro_id in ${ids}) ranked
        where n <= ${RECENT_COMMENTS} order by updated_at desc, job_id`)
    : [];
  const lowRows = ids.length
    ? await db
        .select({ proId: jobRatings.proId, low: sql<number>`count(*)::int` })
        .from(jobRatings)
        .where(and(inArray(jobRatings.proId, ids), sql`${jobRatings.stars} <= ${LOW_RATING_STARS}`))
        .groupBy(jobRatings.proId)
    : [];
  const lowByPro = new Map(lowRows.map((r) => [r.proId, r.low]));
  return pros.map((p) => ({
    proId: p.proId,
    name: p.name,
    average: averages.get(p.proId)?.average ?? null,
    count: averages.get(p.proId)?.count ?? 0,
    lowCount: lowByPro.get(p.proId) ?? 0,
    recent: recentRows
      .filter((r) => r.pro_id === p.proId)
      .map((r) => ({
        jobId: r.job_id,
        stars: r.stars,
        comment: r.comment,
        at: new Date(r.updated_at).toISOString(),
        low: r.stars <= LOW_RATING_STARS,
      })),
  }));
}
