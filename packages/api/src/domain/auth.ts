import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import {
  and,
  eq,
  gt,
  loginFailures,
  newUserId,
  orders,
  sessions,
  signInTokens,
  sql,
  users,
  type Database,
  type DbOrTx,
  type UserRole,
} from '@h2s/db';
import { conflict, tooManyRequests, unauthorized } from './errors';

/** Who is calling: resolved from the session cookie once per request. */
export interface Viewer {
  userId: string;
  role: UserRole;
  name: string;
  email: string;
}

/** OWASP's Argon2id floor: 19 MiB, 2 passes, 1 lane. */
const ARGON2_OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const SESSION_TTL_MS = 14 * 24 * 3600 * 1000;
/** A session used after half its life is renewed (sliding expiry). */
const SESSION_RENEW_AFTER_MS = SESSION_TTL_MS / 2;
export const LOGIN_FAILURE_WINDOW_MS = 15 * 60 * 1000;
export const LOGIN_FAILURE_LIMIT = 5;
export const SIGN_IN_LINK_TTL_MS = 30 * 60 * 1000;

export const hashPassword = (password: string) => hash(password, ARGON2_OPTIONS);

/** A valid hash of a random password: unknown emails cost the same time as wrong passwords. */
let decoyHash: Promise<string> | null = null;
const decoy = () => (decoyHash ??= hashPassword(randomBytes(16).toString('hex')));

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
const newToken = () => randomBytes(32).toString('base64url');

export interface NewSession {
  token: string;
  expiresAt: Date;
}

export async function createSession(db: DbOrTx, userId: string, now: Date): Promise<NewSession> {
  const token = newToken();
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await db.insert(sessions).values({ tokenHash: hashToken(token), userId, createdAt: now, expiresAt });
  return { token, expiresAt };
}

/** The viewer behind a cookie token, renewing the session when it is past half-life. */
export async function resolveSession(
  db: Database,
  token: string | undefined,
  now: Date,
): Promise<{ viewer: Viewer; renewedUntil: Date | null } | null> {
  if (!token || token.length > 200) return null;
  const tokenHash = hashToken(token);
  const [row] = await db
    .select({
      userId: users.id,
      role: users.role,
      name: users.name,
      email: users.email,
      expiresAt: sessions.expiresAt,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, now)));
  if (!row) return null;
  let renewedUntil: Date | null = null;
  if (row.expiresAt.getTime() - now.getTime() < SESSION_TTL_MS - SESSION_RENEW_AFTER_MS) {
    renewedUntil = new Date(now.getTime() + SESSION_TTL_MS);
    await db.update(sessions).set({ expiresAt: renewedUntil }).where(eq(sessions.tokenHash, tokenHash));
  }
  const { expiresAt: _expiresAt, ...viewer } = row;
  return { viewer, renewedUntil };
}

export async function deleteSession(db: DbOrTx, token: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.tokenHash, hashToken(token)));
}

const emailKey = (email: string) => email.trim().toLowerCase();

/**
 * Password sign-in for pros and admins. Wrong email and wrong password give the same answer in
 * about the same time; five failures for one email in 15 minutes lock it for the rest of the window.
 */
export async function login(db: Database, email: string, password: string, now: Date): Promise<{ viewer: Viewer; session: NewSession }> {
  const key = emailKey(email);
  const since = new Date(now.getTime() - LOGIN_FAILURE_WINDOW_MS);
  const [failures] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(loginFailures)
    .where(and(eq(loginFailures.emailKey, key), gt(loginFailures.at, since)));
  if ((failures?.count ?? 0) >= LOGIN_FAILURE_LIMIT) {
    throw tooManyRequests('Too many failed sign-ins. Try again in 15 minutes.', LOGIN_FAILURE_WINDOW_MS / 1000);
  }
  const [user] = await db.select().from(users).where(sql`lower(${users.email}) = ${key}`);
  const staff = user && user.role !== 'customer' && user.passwordHash ? user : null;
  const ok = await verify(staff?.passwordHash ?? (await decoy()), password).catch(() => false);
  if (!staff || !ok) {
    await db.insert(loginFailures).values({ emailKey: key, at: now });
    throw unauthorized('Email or password is incorrect.');
  }
  await db.delete(loginFailures).where(eq(loginFailures.emailKey, key));
  const session = await createSession(db, staff.id, now);
  return { viewer: { userId: staff.id, role: staff.role, name: staff.name, email: staff.email }, session };
}

/** The customer account for an email, created on first checkout. */
export async function upsertCustomer(db: DbOrTx, input: { email: string; name: string; phone: string }): Promise<string> {
  const key = emailKey(input.email);
  const [existing] = await db.select({ id: users.id, role: users.role }).from(users).where(sql`lower(${users.email}) = ${key}`);
  if (existing) {
    if (existing.role !== 'customer') {
      throw conflict('This email belongs to a staff account; use another email to order.');
    }
    return existing.id;
  }
  const id = newUserId();
  const [row] = await db
    .insert(users)
    .values({ id, role: 'customer', email: input.email.trim(), name: input.name, phone: input.phone })
    .onConflictDoNothing()
    .returning({ id: users.id });
  if (row) return row.id;
  // A concurrent checkout with the same email created it first.
  const [raced] = await db.select({ id: users.id }).from(users).where(sql`lower(${users.email}) = ${key}`);
  if (!raced) throw new Error('customer upsert lost its row');
  return raced.id;
}

/** A one-time sign-in link token for a customer email; null (and no mail) for unknown emails. */
export async function createSignInToken(db: DbOrTx, email: string, now: Date): Promise<{ token: string; userId: string; name: string } | null> {
  const [user] = await db
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(and(sql`lower(${users.email}) = ${emailKey(email)}`, eq(users.role, 'customer')));
  if (!user) return null;
  const token = newToken();
  await db.insert(signInTokens).values({
    tokenHash: hashToken(token),
    userId: user.id,
    expiresAt: new Date(now.getTime() + SIGN_IN_LINK_TTL_MS),
    createdAt: now,
  });
  return { token, userId: user.id, name: user.name };
}

/** Spends a sign-in link (once, before it expires) for a new customer session. */
export async function redeemSignInToken(db: Database, token: string, now: Date): Promise<NewSession | null> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(signInTokens)
      .set({ usedAt: now })
      .where(and(eq(signInTokens.tokenHash, hashToken(token)), sql`${signInTokens.usedAt} is null`, gt(signInTokens.expiresAt, now)))
      .returning({ userId: signInTokens.userId });
    if (!row) return null;
    return createSession(tx, row.userId, now);
  });
}

/** The customer behind a checkout session id (the success page's bearer secret). */
export async function customerOfCheckout(db: DbOrTx, sessionId: string): Promise<Viewer | null> {
  const [row] = await db
    .select({ userId: users.id, role: users.role, name: users.name, email: users.email })
    .from(orders)
    .innerJoin(users, eq(users.id, orders.customerUserId))
    .where(eq(orders.stripeSessionId, sessionId));
  return row ?? null;
}
