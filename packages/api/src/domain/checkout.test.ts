import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, sampleCheckout, TEST_WEBHOOK_SECRET, type TestApi } from '../test/fixtures';
import { stripeWebhookReply } from '../http/stripe-webhook';
import { applyStripeEvent } from './checkout';
import { signTestEvent, testPayments } from './payments';
import { JOB_DETAILS_PLACEHOLDER } from '@h2s/db';
import { issuesOf, messagesByField } from '../trpc';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi({ poolMax: 12 });
});
afterAll(async () => api?.close());

const payments = testPayments(TEST_WEBHOOK_SECRET);
/** The status and body Stripe would read for this delivery. */
const deliver = async (payload: string, signature: string | null) =>
  stripeWebhookReply(await applyStripeEvent({ db: api.t.db, payments }, payload, signature, api.clock.now()));

async function pendingOrder(overrides = {}) {
  const anon = await api.caller(null);
  const checkout = sampleCheckout(overrides);
  const order = await anon.checkout.create(checkout);
  const [row] = await api.t.sql<{ amount: number }[]>`select amount_total_cents as amount from orders where id = ${order.orderId}`;
  return { ...order, amount: row!.amount, checkout };
}

const counts = async (orderId: string) => {
  const [row] = await api.t.sql`
    select (select payment_status from orders where id = ${orderId}) as payment,
           (select count(*)::int from dispatch_jobs where order_id = ${orderId}) as jobs,
           (select count(*)::int from stripe_events where order_id = ${orderId}) as events`;
  return row;
};

describe('checkout.create', () => {
  it('prices the cart from the catalog and stores a pending order with a geocoded address', async () => {
    const anon = await api.caller(null);
    const order = await anon.checkout.create(
      sampleCheckout({
        items: [
          { sku: 'tv-mount-standard', quantity: 2 },
          { sku: 'wifi-mesh', quantity: 1 },
        ],
      }),
    );
    expect(order.orderId).toMatch(/^ORD-[A-Z2-7]{8}$/);
    expect(order.url).toBe(`http://customer.test/checkout/test/${order.sessionId}`);
    const [row] = await api.t.sql`select amount_total_cents, payment_status, timezone, lat, items from orders where id = ${order.orderId}`;
    expect(row).toMatchObject({ amount_total_cents: 2 * 14900 + 17900, payment_status: 'pending', timezone: 'America/Chicago' });
    expect(row!.lat).toBeCloseTo(41.8858, 3);
    expect((await counts(order.orderId))!.jobs).toBe(0);
  });

  it('names the field for each bad input', async () => {
    const anon = await api.caller(null);
    const cases: [Parameters<typeof sampleCheckout>[0], string][] = [
      [{ items: [] }, 'items'],
      [{ items: [{ sku: 'not-a-bundle', quantity: 1 }] }, 'items.0.sku'],
      [{ items: [{ sku: 'wifi-mesh', quantity: 0 }] }, 'items.0.quantity'],
      [{ customer: { name: 'A', email: 'not-an-email', phone: '312-555-0142' } }, 'customer.email'],
      [{ customer: { name: '', email: 'a@example.com', phone: '312-555-0142' } }, 'customer.name'],
      [{ customer: { name: 'A', email: 'a@example.com', phone: '12' } }, 'customer.phone'],
      [{ serviceAddress: { line1: '1 Main', city: 'Chicago', state: 'IL', postalCode: '99999' } }, 'serviceAddress.postalCode'],
      [{ serviceAddress: { line1: '1 Main', city: 'Chicago', state: 'TX', postalCode: '60601' } }, 'serviceAddress.state'],
      [{ serviceAddress: { line1: 'x'.repeat(201), city: 'Chicago', state: 'IL', postalCode: '60601' } }, 'serviceAddress.line1'],
      [{ notes: 'n'.repeat(2001) }, 'notes'],
    ];
    for (const [overrides, field] of cases) {
      const error = await anon.checkout.create(sampleCheckout(overrides)).catch((e: unknown) => e);
      expect(error, field).toMatchObject({ code: 'BAD_REQUEST' });
      const issues = issuesOf((error as { cause?: unknown }).cause) ?? [];
      expect(Object.keys(messagesByField(issues)), field).toContain(field);
    }
    const [{ n }] = (await api.t.sql`select count(*)::int as n from orders where customer_email = 'a@example.com'`) as unknown as [
      { n: number },
    ];
    expect(n).toBe(0);
  });
});

describe('the Stripe webhook', () => {
  it('applies one paid checkout once: an order and one queued job with the placeholder details', async () => {
    const order = await pendingOrder();
    const { payload, signature } = signTestEvent(payments, {
      type: 'checkout.session.completed',
      sessionId: order.sessionId,
      orderId: order.orderId,
      amountTotalCents: order.amount,
      paymentStatus: 'paid',
    });
    const first = await deliver(payload, signature);
    expect(first).toMatchObject({ status: 200, body: { outcome: 'paid', orderId: order.orderId } });
    const [job] = await api.t.sql`select status, due_at, job_details, equipment from dispatch_jobs where order_id = ${order.orderId}`;
    expect(job).toMatchObject({ status: 'queued', due_at: null, job_details: JOB_DETAILS_PLACEHOLDER });
    expect(job!.equipment).toContain('Stud finder');
  });

  it('the same event delivered 5 times at once, and again later, yields one order and one job', async () => {
    const order = await pendingOrder({ notes: 'Gate code 1234; dog is friendly.' });
    const { payload, signature } = signTestEvent(payments, {
      type: 'checkout.session.completed',
      sessionId: order.sessionId,
      orderId: order.orderId,
      amountTotalCents: order.amount,
      paymentStatus: 'paid',
    });
    const results = await Promise.all(Array.from({ length: 5 }, () => deliver(payload, signature)));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(results.filter((r) => r.body.outcome === 'paid')).toHaveLength(1);
    expect(results.filter((r) => r.body.outcome === 'duplicate')).toHaveLength(4);
    api.clock.set(new Date(api.clock.now().getTime() + 3 * 3600_000));
    expect((await deliver(payload, signature)).body.outcome).toBe('duplicate');
    expect(await counts(order.orderId)).toEqual({ payment: 'paid', jobs: 1, events: 1 });
    const [job] = await api.t.sql`select job_details from dispatch_jobs where order_id = ${order.orderId}`;
    expect(job!.job_details).toBe('Gate code 1234; dog is friendly.');
  });

  it('two different paying events for one order still give one job', async () => {
    const order = await pendingOrder();
    const base = { sessionId: order.sessionId, orderId: order.orderId, amountTotalCents: order.amount, paymentStatus: 'paid' as const };
    const completed = signTestEvent(payments, { ...base, type: 'checkout.session.completed' });
    const async = signTestEvent(payments, { ...base, type: 'checkout.session.async_payment_succeeded' });
    await Promise.all([deliver(completed.payload, completed.signature), deliver(async.payload, async.signature)]);
    expect(await counts(order.orderId)).toEqual({ payment: 'paid', jobs: 1, events: 2 });
  });

  it('async payment: completed-but-unpaid waits, async_payment_succeeded pays', async () => {
    const order = await pendingOrder();
    const base = { sessionId: order.sessionId, orderId: order.orderId, amountTotalCents: order.amount };
    const unpaid = signTestEvent(payments, { ...base, type: 'checkout.session.completed', paymentStatus: 'unpaid' });
    expect((await deliver(unpaid.payload, unpaid.signature)).body.outcome).toBe('noted');
    expect((await counts(order.orderId))!.jobs).toBe(0);
    const paid = signTestEvent(payments, { ...base, type: 'checkout.session.async_payment_succeeded', paymentStatus: 'paid' });
    expect((await deliver(paid.payload, paid.signature)).body.outcome).toBe('paid');
    expect((await counts(order.orderId))!.jobs).toBe(1);
  });

  it('an expired session marks a pending order expired', async () => {
    const order = await pendingOrder();
    const expired = signTestEvent(payments, {
      type: 'checkout.session.expired',
      sessionId: order.sessionId,
      orderId: order.orderId,
      amountTotalCents: order.amount,
      paymentStatus: 'unpaid',
    });
    expect((await deliver(expired.payload, expired.signature)).body.outcome).toBe('expired');
    expect(await counts(order.orderId)).toMatchObject({ payment: 'expired', jobs: 0 });
  });

  it('refuses forged, missing, stale and mismatched events and writes nothing', async () => {
    const order = await pendingOrder();
    const good = {
      type: 'checkout.session.completed' as const,
      sessionId: order.sessionId,
      orderId: order.orderId,
      amountTotalCents: order.amount,
      paymentStatus: 'paid' as const,
    };
    const forged = signTestEvent(testPayments('whsec_someone_else'), good);
    const stale = signTestEvent(payments, { ...good, createdAt: new Date(Date.now() - 6 * 60_000) });
    const wrongAmount = signTestEvent(payments, { ...good, amountTotalCents: 1 });
    const wrongSession = signTestEvent(payments, { ...good, sessionId: 'cs_test_other' });
    const tampered = signTestEvent(payments, good);
    const results = [
      await deliver(forged.payload, forged.signature),
      await deliver(good.orderId, null),
      await deliver(stale.payload, stale.signature),
      await deliver(wrongAmount.payload, wrongAmount.signature),
      await deliver(wrongSession.payload, wrongSession.signature),
      await deliver(tampered.payload.replace(String(order.amount), String(order.amount + 1)), tampered.signature),
    ];
    expect(results.map((r) => r.status)).toEqual([400, 400, 400, 400, 400, 400]);
    expect(results[3]!.body.error).toMatch(/Amount differs/);
    expect(await counts(order.orderId)).toEqual({ payment: 'pending', jobs: 0, events: 0 });
  });

  it('acknowledges unknown event types without doing anything', async () => {
    const payload = JSON.stringify({ id: 'evt_unknown_1', type: 'customer.created', data: { object: { id: 'cus_1' } } });
    const signature = payments.stripe.webhooks.generateTestHeaderString({ payload, secret: TEST_WEBHOOK_SECRET });
    expect(await deliver(payload, signature)).toMatchObject({ status: 200, body: { outcome: 'ignored' } });
    const [{ n }] = (await api.t.sql`select count(*)::int as n from stripe_events where id = 'evt_unknown_1'`) as unknown as [
      { n: number },
    ];
    expect(n).toBe(0);
  });
});
