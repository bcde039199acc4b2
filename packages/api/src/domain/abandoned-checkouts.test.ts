import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, sampleCheckout, type TestApi } from '../test/fixtures';
import type { Viewer } from './auth';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi({ now: '2026-01-09T15:00:00.000Z' });
});
afterAll(async () => api?.close());

async function unpaidOrder() {
  const checkout = sampleCheckout();
  const order = await (await api.caller(null)).checkout.create(checkout);
  const [row] = await api.t.sql<{ customer: string }[]>`select customer_user_id as customer from orders where id = ${order.orderId}`;
  const customer: Viewer = { userId: row!.customer, role: 'customer', name: checkout.customer.name, email: checkout.customer.email };
  return { ...order, customer };
}

const paymentStatusOf = async (orderId: string) =>
  (await api.t.sql<{ status: string }[]>`select payment_status as status from orders where id = ${orderId}`)[0]!.status;

describe('abandoned checkouts', () => {
  it('an unpaid order in the account offers "complete payment" until it lapses, then leaves the list and is expired once', async () => {
    api.clock.set('2026-01-09T15:00:00.000Z');
    const order = await unpaidOrder();
    const listed = (await (await api.caller(order.customer)).account.orders()).orders;
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({
      orderId: order.orderId,
      paymentStatus: 'pending',
      paymentUrl: `http://customer.test/checkout/test/${order.sessionId}`,
      paymentExpiresAt: '2026-01-10T15:00:00.000Z',
    });

    // A day later the checkout has lapsed: it leaves the list at once, and the sweep expires it.
    api.clock.set('2026-01-10T15:00:01.000Z');
    expect((await (await api.caller(order.customer)).account.orders()).orders).toEqual([]);
    expect(await paymentStatusOf(order.orderId)).toBe('pending');
    await api.server.sweepAbandonedCheckouts();
    expect(await paymentStatusOf(order.orderId)).toBe('expired');
    // Expired through the webhook path: one recorded event, and a second sweep changes nothing.
    const [events] = await api.t.sql<{ n: number }[]>`select count(*)::int as n from stripe_events where type = 'checkout.session.expired'`;
    await api.server.sweepAbandonedCheckouts();
    const [again] = await api.t.sql<{ n: number }[]>`select count(*)::int as n from stripe_events where type = 'checkout.session.expired'`;
    expect(again!.n).toBe(events!.n);
  });

  it('the sweep leaves paid orders and recent unpaid ones alone', async () => {
    api.clock.set('2026-01-12T15:00:00.000Z');
    const paid = await api.paidOrder();
    const recent = await unpaidOrder();
    api.clock.set('2026-01-12T20:00:00.000Z');
    await api.server.sweepAbandonedCheckouts();
    expect(await paymentStatusOf(paid.orderId)).toBe('paid');
    expect(await paymentStatusOf(recent.orderId)).toBe('pending');
    const listed = (await (await api.caller(paid.customer)).account.orders()).orders;
    expect(listed.map((o) => o.orderId)).toContain(paid.orderId);
    expect(listed.find((o) => o.orderId === paid.orderId)?.paymentUrl).toBeUndefined();
  });
});
