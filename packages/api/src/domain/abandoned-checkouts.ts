/**
 * Checkouts a customer left unpaid. Stripe expires its Checkout Sessions after 24 hours and tells us
 * with `checkout.session.expired`; the built-in test checkout has no Stripe behind it, so a sweep
 * sends itself that same signed event, through the same webhook path, for every one that is due.
 */
import { and, asc, eq, lt, orders, type Database } from '@h2s/db';
import { applyStripeEvent } from './checkout';
import { signTestEvent, type Payments } from './payments';

/** Stripe's default lifetime of a Checkout Session. */
export const CHECKOUT_EXPIRES_AFTER_MS = 24 * 60 * 60 * 1000;

export const checkoutExpiresAt = (createdAt: Date) => new Date(createdAt.getTime() + CHECKOUT_EXPIRES_AFTER_MS);

/** True when an unpaid checkout is past its lifetime: it can no longer be paid, and leaves the list. */
export const checkoutLapsed = (createdAt: Date, now: Date) => checkoutExpiresAt(createdAt) <= now;

/** Expires the test checkout's lapsed orders, each in its own transaction; returns how many. */
export async function expireAbandonedTestCheckouts(deps: { db: Database; payments: Payments }, now: Date, limit = 100): Promise<number> {
  if (deps.payments.mode !== 'test') return 0;
  const due = await deps.db
    .select({ id: orders.id, sessionId: orders.stripeSessionId, amountTotalCents: orders.amountTotalCents })
    .from(orders)
    .where(and(eq(orders.paymentStatus, 'pending'), lt(orders.createdAt, new Date(now.getTime() - CHECKOUT_EXPIRES_AFTER_MS))))
    .orderBy(asc(orders.createdAt))
    .limit(limit);
  let expired = 0;
  for (const order of due) {
    const { payload, signature } = signTestEvent(deps.payments, {
      type: 'checkout.session.expired',
      sessionId: order.sessionId,
      orderId: order.id,
      amountTotalCents: order.amountTotalCents,
      paymentStatus: 'unpaid',
    });
    const result = await applyStripeEvent(deps, payload, signature, now);
    if (result.outcome === 'expired') expired++;
    else if (result.outcome === 'refused') throw new Error(`expiring ${order.id} was refused: ${result.reason}`);
  }
  return expired;
}
