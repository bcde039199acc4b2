/**
 * Counted attempts in a sliding window, kept in PostgreSQL so every app process shares them. Used
 * where guessing or flooding is cheap for an attacker and costly for us: sign-in links (mail sent
 * to anyone's address) and failed password sign-ins from one address.
 */
import { and, gt, inArray, lt, rateLimitHits, sql, type Database, type DbOrTx } from '@h2s/db';
import { tooManyRequests } from './errors';

export interface RateLimit {
  /** What is counted, e.g. `sign-in-link:email:ada@example.com`. */
  bucket: string;
  max: number;
  windowMs: number;
}

/** 'RATE': keeps these advisory locks apart from any other the app takes. */
const RATE_LOCK_NAMESPACE = 0x52415445;

/** Whole seconds until a retry may succeed (for Retry-After). */
export const secondsUntil = (retryAt: Date, now: Date) => Math.max(1, Math.ceil((retryAt.getTime() - now.getTime()) / 1000));

export const retryMessage = (what: string, retryAt: Date, now: Date) => {
  const minutes = Math.max(1, Math.ceil((retryAt.getTime() - now.getTime()) / 60_000));
  return `${what} Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
};

/** When the first of these limits that is full frees a slot; null when none is full. */
export async function blockedUntil(db: DbOrTx, limits: RateLimit[], now: Date): Promise<Date | null> {
  let until: Date | null = null;
  for (const limit of limits) {
    const since = new Date(now.getTime() - limit.windowMs);
    const rows = await db
      .select({ at: rateLimitHits.at })
      .from(rateLimitHits)
      .where(and(sql`${rateLimitHits.bucket} = ${limit.bucket}`, gt(rateLimitHits.at, since)))
      .orderBy(sql`${rateLimitHits.at} desc`)
      .limit(limit.max);
    if (rows.length >= limit.max) {
      // The oldest of the last `max` attempts leaves the window first.
      const freed = new Date(rows[rows.length - 1]!.at.getTime() + limit.windowMs);
      if (!until || freed > until) until = freed;
    }
  }
  return until;
}

/** Records one attempt against every limit. */
export async function recordAttempt(db: DbOrTx, limits: RateLimit[], now: Date): Promise<void> {
  if (limits.length) await db.insert(rateLimitHits).values(limits.map((l) => ({ bucket: l.bucket, at: now })));
}

/**
 * Spends one attempt, or refuses with TOO_MANY_REQUESTS saying when to retry. Checked and recorded
 * under the buckets' locks, so concurrent requests cannot all slip under the limit.
 */
export async function spendAttempt(db: Database, limits: RateLimit[], now: Date, what: string): Promise<void> {
  const until = await db.transaction(async (tx) => {
    await lockBuckets(
      tx,
      limits.map((l) => l.bucket),
    );
    const blocked = await blockedUntil(tx, limits, now);
    if (!blocked) await recordAttempt(tx, limits, now);
    return blocked;
  });
  if (until) throw tooManyRequests(retryMessage(what, until, now), secondsUntil(until, now));
}

/**
 * The bucket for an address; a caller whose address is unknown (no socket address, a misconfigured
 * proxy header) shares one bucket with every other such caller rather than escaping the limit.
 */
export const addressBucket = (prefix: string, clientIp: string | null) => `${prefix}:address:${clientIp?.trim() || 'unknown'}`;

/** Serializes work on these buckets until the transaction ends (sorted: no deadlock between two). */
export async function lockBuckets(tx: DbOrTx, buckets: string[]): Promise<void> {
  for (const bucket of [...new Set(buckets)].sort()) {
    await tx.execute(sql`select pg_advisory_xact_lock(${RATE_LOCK_NAMESPACE}::int4, hashtext(${bucket}))`);
  }
}

/**
 * Reserves one attempt against every limit before the attempt's work is done (a password verified):
 * the count and the insert are one step under the buckets' locks, so N parallel attempts get at most
 * `max` reservations. Returns the reserved rows' ids (to give back with releaseAttempt on success),
 * or refuses with TOO_MANY_REQUESTS.
 */
export async function reserveAttempt(db: Database, limits: RateLimit[], now: Date, what: string): Promise<number[]> {
  const result = await db.transaction(async (tx) => {
    await lockBuckets(
      tx,
      limits.map((l) => l.bucket),
    );
    const blocked = await blockedUntil(tx, limits, now);
    if (blocked) return { blocked, ids: [] };
    const ids = limits.length
      ? await tx
          .insert(rateLimitHits)
          .values(limits.map((l) => ({ bucket: l.bucket, at: now })))
          .returning({ id: rateLimitHits.id })
      : [];
    return { blocked: null, ids: ids.map((r) => r.id) };
  });
  if (result.blocked) throw tooManyRequests(retryMessage(what, result.blocked, now), secondsUntil(result.blocked, now));
  return result.ids;
}

/** Gives reserved attempts back (the attempt succeeded and should not count). */
export async function releaseAttempt(db: DbOrTx, ids: number[]): Promise<void> {
  if (ids.length) await db.delete(rateLimitHits).where(inArray(rateLimitHits.id, ids));
}

/** Old attempts no longer count for anything; the worker forgets them hourly (tasks/housekeeping.ts). */
export async function forgetOldAttempts(db: Database, olderThan: Date): Promise<number> {
  const removed = await db.delete(rateLimitHits).where(lt(rateLimitHits.at, olderThan)).returning({ id: rateLimitHits.id });
  return removed.length;
}
