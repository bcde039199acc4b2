import { z } from 'zod';
import {
  and,
  bundles,
  eq,
  inArray,
  newOrderId,
  orders,
  sql,
  stripeEvents,
  type Database,
  type OrderItem,
  type Skill,
  perDatabase,
} from '@h2s/db';
import { lookupPostalCode } from '@h2s/db/geo';
import { assertServed } from './coverage';
import { upsertCustomer } from './customer-access';
import { textablePhone } from './sms/phone';
import { fieldError } from './errors';
import { eventRefusal } from './webhook-checks';
import { writePayment } from './payment-write';
import { WEBHOOK_TOLERANCE_SECONDS, type Payments } from './payments';

export { checkoutInput, type CheckoutInput } from './checkout-input';
import type { CheckoutInput } from './checkout-input';

export interface CheckoutDeps {
  db: Database;
  payments: Payments;
  customerOrigin: string;
}

/**
 * Prices the cart from the catalog (never from the client), geocodes the service address, opens a
 * checkout, and stores the pending order with its session id.
 */
export async function createCheckout(deps: CheckoutDeps, input: CheckoutInput, now: Date) {
  const smsPhone = input.textUpdates ? textablePhone(input.customer.phone, ['customer', 'phone']) : null;
  const quantities = new Map<string, number>();
  for (const item of input.items) quantities.set(item.sku, (quantities.get(item.sku) ?? 0) + item.quantity);
  const found = await deps.db
    .select()
    .from(bundles)
    .where(and(inArray(bundles.sku, [...quantities.keys()]), eq(bundles.active, true)));
  const bySku = new Map(found.map((b) => [b.sku, b]));
  const items: OrderItem[] = [];
  for (const [index, item] of input.items.entries()) {
    if (!bySku.has(item.sku)) throw fieldError(['items', index, 'sku'], `"${item.sku}" is not in the catalog`);
  }
  for (const [sku, quantity] of quantities) {
    if (quantity > 10) throw fieldError(['items'], `At most 10 of one bundle (${sku})`);
    const bundle = bySku.get(sku)!;
    items.push({ sku, name: bundle.name, quantity, unitPriceCents: bundle.priceCents, equipment: bundle.equipment });
  }
  const amountTotalCents = items.reduce((sum, item) => sum + item.unitPriceCents * item.quantity, 0);

  const place = lookupPostalCode(input.serviceAddress.postalCode);
  if (!place) throw fieldError(['serviceAddress', 'postalCode'], 'We do not recognize this ZIP code');
  if (place.state !== input.serviceAddress.state) {
    throw fieldError(['serviceAddress', 'state'], `ZIP ${place.postalCode} is in ${place.state}, not ${input.serviceAddress.state}`);
  }
  await assertServed(
    deps.db,
    place,
    found.flatMap((bundle) => bundle.skills),
  );

  const orderId = newOrderId();
  const checkout = await deps.payments.createCheckoutSession({
    orderId,
    amountCents: amountTotalCents,
    customerEmail: input.customer.email,
    lineItems: items.map((i) => ({ name: i.name, unitAmountCents: i.unitPriceCents, quantity: i.quantity })),
    successUrl: `${deps.customerOrigin}/success?session_id={CHECKOUT_SESSION_ID}`,
    cancelUrl: `${deps.customerOrigin}/cart?checkout=cancelled`,
  });

  await deps.db.transaction(async (tx) => {
    const customerUserId = await upsertCustomer(tx, input.customer);
    await tx.insert(orders).values({
      id: orderId,
      stripeSessionId: checkout.sessionId,
      customerUserId,
      customerName: input.customer.name,
      customerEmail: input.customer.email,
      customerPhone: input.customer.phone,
      addressLine1: input.serviceAddress.line1,
      addressLine2: input.serviceAddress.line2 || null,
      city: input.serviceAddress.city,
      state: input.serviceAddress.state,
      postalCode: place.postalCode,
      lat: place.lat,
      lng: place.lng,
      timezone: place.timezone,
      items,
      amountTotalCents,
      notes: input.notes || null,
      smsPhone,
      createdAt: now,
      updatedAt: now,
    });
  });
  return { orderId, sessionId: checkout.sessionId, url: checkout.url, amountTotalCents, timezone: place.timezone };
}

/** The only parts of a Stripe event the webhook relies on (see CONTRACT.md). */
const webhookEvent = z.object({
  id: z.string().min(1).max(255),
  type: z.string().min(1).max(255),
  created: z.number().int().optional(),
  data: z.object({
    object: z.object({
      id: z.string().optional(),
      currency: z.string().max(16).nullable().optional(),
      payment_status: z.string().optional(),
      amount_total: z.number().int().nullable().optional(),
      metadata: z.record(z.string(), z.string()).nullable().optional(),
    }),
  }),
});

/** What applying one Stripe event did; the HTTP layer (http/stripe-webhook.ts) turns it into a reply. */
export type StripeEventOutcome =
  | { outcome: 'refused'; reason: string }
  | { outcome: 'ignored' }
  | { outcome: 'duplicate' | 'already-paid' | 'expired' | 'failed' | 'noted'; orderId: string }
  | { outcome: 'paid'; orderId: string; jobId: string };

const HANDLED = new Set([
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'checkout.session.async_payment_failed',
  'checkout.session.expired',
]);

/**
 * Verifies the signature on the raw body, then applies the event in one transaction: the event id is
 * recorded first (a replay finds it and stops), the order row is locked, and a paid order gets its
 * one dispatch job. Anything refused writes nothing.
 */
export async function applyStripeEvent(
  deps: { db: Database; payments: Payments },
  rawBody: string,
  signature: string | null,
  now: Date,
): Promise<StripeEventOutcome> {
  if (!signature) return { outcome: 'refused', reason: 'Missing Stripe-Signature header' };
  let parsed: unknown;
  try {
    parsed = deps.payments.stripe.webhooks.constructEvent(rawBody, signature, deps.payments.webhookSecret, WEBHOOK_TOLERANCE_SECONDS);
  } catch (error) {
    return { outcome: 'refused', reason: `Signature verification failed: ${(error as Error).message}` };
  }
  const result = webhookEvent.safeParse(parsed);
  if (!result.success) return { outcome: 'refused', reason: 'Malformed event' };
  const event = result.data;
  if (!HANDLED.has(event.type)) return { outcome: 'ignored' };

  const session = event.data.object;
  const orderId = session.metadata?.order_id;
  if (!orderId) return { outcome: 'refused', reason: 'Event has no metadata.order_id' };

  const pays =
    event.type === 'checkout.session.async_payment_succeeded' ||
    (event.type === 'checkout.session.completed' && session.payment_status === 'paid');
  const refusal = eventRefusal(event, signature, pays);
  if (refusal) return { outcome: 'refused', reason: refusal };
  if (pays) {
    const outcome = await payOrder(deps.db, event, session, orderId, now);
    if (outcome) return outcome;
  }
  return applyInTransaction(deps.db, event, session, orderId, now, pays);
}

type WebhookEvent = z.infer<typeof webhookEvent>;
type WebhookSession = WebhookEvent['data']['object'];

/** The order as payment finds it, with its version (xmin) and the skills its bundles need. */
function orderToPay(db: Database) {
  return db
    .select({
      id: orders.id,
      stripeSessionId: orders.stripeSessionId,
      amountTotalCents: orders.amountTotalCents,
      paymentStatus: orders.paymentStatus,
      notes: orders.notes,
      items: orders.items,
      lat: orders.lat,
      lng: orders.lng,
      timezone: orders.timezone,
      city: orders.city,
      state: orders.state,
      postalCode: orders.postalCode,
      version: sql<string>`${orders}.xmin::text`,
      skills: sql<Skill[]>`array(select distinct skill from bundles b, unnest(b.skills) skill
                                   where b.sku in (select item->>'sku' from jsonb_array_elements(${orders}.items) item))`,
    })
    .from(orders)
    .where(eq(orders.id, sql.placeholder('orderId')))
    .prepare('h2s_order_to_pay');
}
const orderToPayStatements = perDatabase(orderToPay);

/**
 * The payment, in two round trips and no transaction (issue 13): read the order, decide in code, then
 * the one write (payment-write.ts) on the condition that the order is the version read. Null when the
 * order changed in between (another event for it, a sweep): the locking transaction decides then.
 */
async function payOrder(db: Database, event: WebhookEvent, session: WebhookSession, orderId: string, now: Date) {
  const read = orderToPayStatements(db);
  const [order] = await read.execute({ orderId });
  if (!order) return { outcome: 'refused', reason: `Unknown order ${orderId}` } as const;
  if (session.id !== order.stripeSessionId) return { outcome: 'refused', reason: 'Session does not belong to this order' } as const;
  if (session.amount_total !== order.amountTotalCents) return refuseAmount(event, orderId, session, order.amountTotalCents);
  return writePayment(db, { order, skills: order.skills, version: order.version, event, now });
}

function refuseAmount(event: WebhookEvent, orderId: string, session: WebhookSession, orderTotal: number) {
  console.error(`[stripe] refused ${event.id}: amount ${session.amount_total} differs from order ${orderId} total ${orderTotal}`);
  return { outcome: 'refused', reason: 'Amount differs from the order total' } as const;
}

/** The event under a lock on its order, step by step: events that do not pay, and payments that met a change. */
function applyInTransaction(db: Database, event: WebhookEvent, session: WebhookSession, orderId: string, now: Date, pays: boolean) {
  return db.transaction(async (tx): Promise<StripeEventOutcome> => {
    const [order] = await tx.select().from(orders).where(eq(orders.id, orderId)).for('update');
    if (!order) return { outcome: 'refused', reason: `Unknown order ${orderId}` };
    if (session.id !== order.stripeSessionId) {
      return { outcome: 'refused', reason: 'Session does not belong to this order' };
    }
    if (pays) {
      if (session.amount_total !== order.amountTotalCents) return refuseAmount(event, orderId, session, order.amountTotalCents);
      const skus = [...new Set(order.items.map((item) => item.sku))];
      const needed = await tx.select({ skills: bundles.skills }).from(bundles).where(inArray(bundles.sku, skus));
      const skills = needed.flatMap((bundle) => bundle.skills);
      const paid = await writePayment(tx, { order, skills, version: null, event, now });
      if (!paid) throw new Error(`order ${orderId} vanished under its lock`);
      return paid;
    }
    const [fresh] = await tx
      .insert(stripeEvents)
      .values({ id: event.id, type: event.type, orderId, receivedAt: now })
      .onConflictDoNothing()
      .returning({ id: stripeEvents.id });
    if (!fresh) return { outcome: 'duplicate', orderId };
    if (
      order.paymentStatus === 'pending' &&
      (event.type === 'checkout.session.expired' || event.type === 'checkout.session.async_payment_failed')
    ) {
      const paymentStatus = event.type === 'checkout.session.expired' ? 'expired' : 'failed';
      await tx.update(orders).set({ paymentStatus, updatedAt: now }).where(eq(orders.id, orderId));
      return { outcome: paymentStatus, orderId };
    }
    return { outcome: 'noted', orderId };
  });
}
