import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { tooManyRequests, unauthorized } from './errors';
import { addressBucket, blockedUntil, lockBuckets, releaseAttempt, retryMessage, secondsUntil, type RateLimit } from './rate-limit';
import {
  and,
  eq,
  gt,
  perDatabase,
  loginFailures,
  orders,
  rateLimitHits,
  sessions,
  sql,
  users,
  type Database,
  type DbOrTx,
  type UserRole,
} from '@h2s/db';

/** Who is calling: resolved from the session cookie once per request. */
export interface Viewer {
  userId: string;
  role: UserRole;
  name: string;
  email: string;
  /**
   * Set when the session came from a checkout session id (auth.checkoutSession): it proves only that
   * its holder started that one checkout, so it reaches that order and nothing else of the account.
   * Null or absent: the whole account (password sign-in, the emailed link).
   */
  scopeOrderId?: string | null;
}

/** OWASP's Argon2id floor: 19 MiB, 2 passes, 1 lane. */
const ARGON2_OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const SESSION_TTL_MS = 14 * 24 * 3600 * 1000;
/** A session used after half its life is renewed (sliding expiry). */
const SESSION_RENEW_AFTER_MS = SESSION_TTL_MS / 2;
/** However often it is used, a session ends this long after sign-in (absolute lifetime). */
export const SESSION_ABSOLUTE_TTL_MS = 30 * 24 * 3600 * 1000;
export const LOGIN_FAILURE_WINDOW_MS = 15 * 60 * 1000;
export const LOGIN_FAILURE_LIMIT = 5;
/** Failed sign-ins from one address (any emails) in LOGIN_FAILURE_WINDOW_MS: password spraying. */
export const LOGIN_FAILURES_PER_ADDRESS = 20;

export const hashPassword = (password: string) => hash(password, ARGON2_OPTIONS);

/** A valid hash of a random password: unknown emails cost the same time as wrong passwords. */
let decoyHash: Promise<string> | null = null;
const decoy = () => (decoyHash ??= hashPassword(randomBytes(16).toString('hex')));

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
export const newToken = () => randomBytes(32).toString('base64url');

export interface NewSession {
  token: string;
  expiresAt: Date;
}

export async function createSession(
  db: DbOrTx,
  userId: string,
  now: Date,
  grant: { scopeOrderId: string; expiresAt: Date } | null = null,
): Promise<NewSession> {
  const token = newToken();
  const expiresAt = grant?.expiresAt ?? new Date(now.getTime() + SESSION_TTL_MS);
  await db
    .insert(sessions)
    .values({ tokenHash: hashToken(token), userId, createdAt: now, expiresAt, scopeOrderId: grant?.scopeOrderId ?? null });
  return { token, expiresAt };
}

function sessionLookup(db: Database) {
  return db
    .select({
      userId: users.id,
      role: users.role,
      name: users.name,
      email: users.email,
      createdAt: sessions.createdAt,
      expiresAt: sessions.expiresAt,
      scopeOrderId: sessions.scopeOrderId,
      orderCustomerUserId: orders.customerUserId,
      orderName: orders.customerName,
      orderEmail: orders.customerEmail,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .leftJoin(orders, eq(orders.id, sessions.scopeOrderId))
    .where(eq(sessions.tokenHash, sql.placeholder('tokenHash')))
    .prepare('h2s_session_lookup');
}
type SessionRow = Awaited<ReturnType<ReturnType<typeof sessionLookup>['execute']>>[number];

/** Built once per database: a request runs the prepared statement instead of rebuilding its SQL. */
const lookups = perDatabase(sessionLookup);

/**
 * Recently read sessions by token hash (issue 13: one lookup per request, not one per procedure and
 * page load). Only callers that pass `cacheMs` read it (the apps' request handler); signing out here
 * (deleteSession) and a new password (forgetUserSessions) drop entries at once. Another process
 * sees a sign-out within its own cacheMs. Expiry is checked on every read against the caller's clock.
 */
const cache = new Map<string, { row: SessionRow; until: number }>();
const CACHE_MAX_ENTRIES = 10_000;

export function forgetSession(tokenHash: string): void {
  cache.delete(tokenHash);
}

/** Drops every cached session of one user (their password changed: all their sessions ended). */
export function forgetUserSessions(userId: string): void {
  for (const [key, entry] of cache) if (entry.row.userId === userId) cache.delete(key);
}

async function sessionRow(db: Database, tokenHash: string, cacheMs: number): Promise<SessionRow | null> {
  const monotonic = performance.now();
  if (cacheMs > 0) {
    const hit = cache.get(tokenHash);
    if (hit && hit.until > monotonic) return hit.row;
    if (hit) cache.delete(tokenHash);
  }
  const lookup = lookups(db);
  const [row] = await lookup.execute({ tokenHash });
  if (!row) return null;
  if (cacheMs > 0) {
    if (cache.size >= CACHE_MAX_ENTRIES) {
      for (const [key, entry] of cache) if (entry.until <= monotonic) cache.delete(key);
      if (cache.size >= CACHE_MAX_ENTRIES) cache.clear();
    }
    cache.set(tokenHash, { row, until: monotonic + cacheMs });
  }
  return row;
}

/**
 * The viewer behind a cookie token, renewing the session when it is past half-life (so the renewal
 * is written at most once in SESSION_TTL_MS / 2, never per request). `cacheMs` > 0 lets a session read
 * that recently be used without another query (see `cache` above).
 */
export async function resolveSession(
  db: Database,
  token: string | undefined,
  now: Date,
  options: { cacheMs?: number } = {},
): Promise<{ viewer: Viewer; renewedUntil: Date | null } | null> {
  if (!token || token.length > 200) return null;
  const tokenHash = hashToken(token);
  const row = await sessionRow(db, tokenHash, options.cacheMs ?? 0);
  if (!row || row.expiresAt.getTime() <= now.getTime() || row.createdAt.getTime() <= now.getTime() - SESSION_ABSOLUTE_TTL_MS) return null;
  if (row.scopeOrderId) {
    // A grant names the order's own customer; anything else is not a grant this code made.
    if (row.orderCustomerUserId !== row.userId || row.orderName === null || row.orderEmail === null) return null;
    // The name and email the order was placed with, never the account's: the account may be someone else's.
    return {
      viewer: { userId: row.userId, role: row.role, name: row.orderName, email: row.orderEmail, scopeOrderId: row.scopeOrderId },
      renewedUntil: null,
    };
  }
  let renewedUntil: Date | null = null;
  if (row.expiresAt.getTime() - now.getTime() < SESSION_TTL_MS - SESSION_RENEW_AFTER_MS) {
    const absoluteEnd = row.createdAt.getTime() + SESSION_ABSOLUTE_TTL_MS;
    renewedUntil = new Date(Math.min(now.getTime() + SESSION_TTL_MS, absoluteEnd));
    if (renewedUntil.getTime() > row.expiresAt.getTime()) {
      await db.update(sessions).set({ expiresAt: renewedUntil }).where(eq(sessions.tokenHash, tokenHash));
      forgetSession(tokenHash);
    } else {
      renewedUntil = null;
    }
  }
  return { viewer: { userId: row.userId, role: row.role, name: row.name, email: row.email, scopeOrderId: null }, renewedUntil };
}

export async function deleteSession(db: DbOrTx, token: string): Promise<void> {
  const tokenHash = hashToken(token);
  forgetSession(tokenHash);
  await db.delete(sessions).where(eq(sessions.tokenHash, tokenHash));
}

export const emailKey = (email: string) => email.trim().toLowerCase();

/**
 * One sign-in attempt reserved as a failure for the email and the address (an unknown address
 * shares one bucket), or TOO_MANY_REQUESTS when either is spent.
 */
async function reserveSignIn(db: Database, key: string, clientIp: string | null, now: Date): Promise<{ addressHits: number[] }> {
  const since = new Date(now.getTime() - LOGIN_FAILURE_WINDOW_MS);
  const addressLimit: RateLimit[] = [
    { bucket: addressBucket('sign-in-failure', clientIp), max: LOGIN_FAILURES_PER_ADDRESS, windowMs: LOGIN_FAILURE_WINDOW_MS },
  ];
  const outcome = await db.transaction(async (tx) => {
    await lockBuckets(tx, [`sign-in-failure:email:${key}`, addressLimit[0]!.bucket]);
    const [failures] = await tx
      .select({ count: sql<number>`count(*)::int`, oldest: sql<Date | null>`min(${loginFailures.at})` })
      .from(loginFailures)
      .where(and(eq(loginFailures.emailKey, key), gt(loginFailures.at, since)));
    if ((failures?.count ?? 0) >= LOGIN_FAILURE_LIMIT)
      return {
        refused: 'Too many failed sign-ins.',
        retryAt: new Date(new Date(failures!.oldest ?? now).getTime() + LOGIN_FAILURE_WINDOW_MS),
      };
    const addressBlocked = await blockedUntil(tx, addressLimit, now);
    if (addressBlocked) return { refused: 'Too many failed sign-ins from your network.', retryAt: addressBlocked };
    await tx.insert(loginFailures).values({ emailKey: key, at: now });
    const hits = await tx.insert(rateLimitHits).values({ bucket: addressLimit[0]!.bucket, at: now }).returning({ id: rateLimitHits.id });
    return { refused: null, addressHits: hits.map((h) => h.id) };
  });
  if (outcome.refused !== null)
    throw tooManyRequests(retryMessage(outcome.refused, outcome.retryAt, now), secondsUntil(outcome.retryAt, now));
  return { addressHits: outcome.addressHits };
}

/**
 * Password sign-in for pros and admins. Wrong email and wrong password give the same answer in
 * about the same time; five failures for one email in 15 minutes lock it for the rest of the window,
 * and twenty failures from one address lock that address (many emails, one password each).
 */
export async function login(
  db: Database,
  email: string,
  password: string,
  now: Date,
  clientIp: string | null = null,
): Promise<{ viewer: Viewer; session: NewSession }> {
  const key = emailKey(email);
  // The attempt is counted as a failure before the password is verified (one step under the
  // buckets' locks), so N parallel guesses verify at most the limit; a success gives it back.
  const reservation = await reserveSignIn(db, key, clientIp, now);
  const [user] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = ${key}`);
  const staff = user && user.role !== 'customer' && user.passwordHash ? user : null;
  const ok = await verify(staff?.passwordHash ?? (await decoy()), password).catch(() => false);
  if (!staff || !ok) throw unauthorized('Email or password is incorrect.');
  await db.delete(loginFailures).where(eq(loginFailures.emailKey, key));
  await releaseAttempt(db, reservation.addressHits);
  const session = await createSession(db, staff.id, now);
  return { viewer: { userId: staff.id, role: staff.role, name: staff.name, email: staff.email }, session };
}
