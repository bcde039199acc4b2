/**
 * Customers' access: the account an email owns (created on first checkout), the emailed sign-in link
 * that proves the mailbox (the whole account), and the checkout grant that opens one paid order.
 */
import { and, eq, gt, newUserId, orders, signInTokens, sql, users, type Database, type DbOrTx } from '@h2s/db';
import { createSession, emailKey, hashToken, newToken, type NewSession, type Viewer } from './auth';
import { forbidden, notFound } from './errors';

export const SIGN_IN_LINK_TTL_MS = 30 * 60 * 1000;
/** A checkout session id signs its holder in to that one order until this long after payment. */
export const CHECKOUT_GRANT_TTL_MS = 24 * 3600 * 1000;

/** The customer account behind orders placed with a staff member's email (`ada+customer@example.com`). */
const staffOrderEmail = (email: string) => {
  const at = email.trim().lastIndexOf('@');
  return `${email.trim().slice(0, at)}+customer@${email.trim().slice(at + 1)}`;
};

/** The customer account for an email, created on first checkout. */
export async function upsertCustomer(db: DbOrTx, input: { email: string; name: string; phone: string }): Promise<string> {
  const key = emailKey(input.email);
  const [existing] = await db
    .select({ id: users.id, role: users.role })
    .from(users)
    .where(sql`lower(${users.email}) = ${key}`);
  if (existing) {
    // A staff member's email gets exactly the answer an unknown one does (issue 20, item 6: a 409 told
    // anyone which addresses are pros' and admins'): the order goes to a customer account of its own,
    // never to the staff account (its checkout grant must not sign anyone in as staff).
    if (existing.role !== 'customer') return upsertCustomer(db, { ...input, email: staffOrderEmail(input.email) });
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
  const [raced] = await db
    .select({ id: users.id })
    .from(users)
    .where(sql`lower(${users.email}) = ${key}`);
  if (!raced) throw new Error('customer upsert lost its row');
  return raced.id;
}

/** A one-time sign-in link token for a customer email; null (and no mail) for unknown emails. */
export async function createSignInToken(
  db: DbOrTx,
  email: string,
  now: Date,
): Promise<{ token: string; userId: string; name: string } | null> {
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

/**
 * What a checkout session id proves: that its holder started that one checkout. Once the order is
 * paid it signs its holder in to that order (its schedule and photos), until CHECKOUT_GRANT_TTL_MS
 * after payment; an unpaid checkout grants nothing. Never the account: anyone can start a checkout
 * with anyone's email.
 */
export async function checkoutGrant(db: DbOrTx, sessionId: string, now: Date): Promise<{ viewer: Viewer; expiresAt: Date }> {
  const [order] = await db
    .select({
      orderId: orders.id,
      userId: orders.customerUserId,
      paymentStatus: orders.paymentStatus,
      paidAt: orders.paidAt,
      name: orders.customerName,
      email: orders.customerEmail,
    })
    .from(orders)
    .where(eq(orders.stripeSessionId, sessionId));
  if (!order) throw notFound('Order');
  if (order.paymentStatus !== 'paid' || !order.paidAt)
    throw forbidden('This checkout is not paid; once it is, this page signs you in to the order.');
  const expiresAt = new Date(order.paidAt.getTime() + CHECKOUT_GRANT_TTL_MS);
  if (expiresAt.getTime() <= now.getTime()) {
    throw forbidden('This checkout link has expired. Sign in with the link we email you from the account page.');
  }
  return {
    viewer: { userId: order.userId, role: 'customer', name: order.name, email: order.email, scopeOrderId: order.orderId },
    expiresAt,
  };
}

/**
 * Whether a customer viewer may see and change an order: the account's own orders with a
 * whole-account session, that one order with a checkout grant.
 */
export function customerMayAccessOrder(
  viewer: Pick<Viewer, 'role' | 'userId' | 'scopeOrderId'>,
  order: { id: string; customerUserId: string },
): boolean {
  if (viewer.role !== 'customer' || viewer.userId !== order.customerUserId) return false;
  return !viewer.scopeOrderId || viewer.scopeOrderId === order.id;
}
