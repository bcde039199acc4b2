import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../test/fixtures';
import { cancelOrder, payRefund } from './cancel';
import type { Payments } from './payments';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi({ now: '2026-01-09T15:00:00.000Z', poolMax: 20 });
});
afterAll(async () => api?.close());

const slot = (date: string) => ({ date, timezone: 'America/Chicago', timeWindow: '12pm - 3pm' as const });

describe('orders.cancel', () => {
  it('cancels order and job, releases and tells the pro, and refunds exactly once however often it is asked', async () => {
    const order = await api.paidOrder();
    await (await api.caller(null)).schedule.confirm({ sessionId: order.sessionId, ...slot('2026-01-20') });
    const pro = await api.pro();
    await (await api.caller(pro)).jobs.accept({ jobId: order.jobId });
    const customer = await api.caller(order.customer);

    const results = await Promise.all(
      Array.from({ length: 10 }, () => customer.orders.cancel({ orderId: order.orderId, reason: 'Moving house' })),
    );
    expect(new Set(results.map((r) => r.cancelledAt)).size).toBe(1);
    expect(results[0]).toMatchObject({
      orderId: order.orderId,
      cancelledAt: expect.any(String),
      cancellationReason: 'Moving house',
      refund: { status: 'pending', amountCents: 14900 },
      job: { jobId: order.jobId, status: 'cancelled', assignedPro: null },
    });

    const refunds = await api.t.sql`select order_id, amount_cents, status, mode from refunds where order_id = ${order.orderId}`;
    expect(refunds).toEqual([{ order_id: order.orderId, amount_cents: 14900, status: 'pending', mode: 'test' }]);
    const payouts = await api.t
      .sql`select 1 from graphile_worker.jobs where task_identifier = 'refunds.pay' and key = ${'refunds:pay:' + order.orderId}`;
    expect(payouts).toHaveLength(1);
    const [job] = await api.t.sql`select status, assigned_pro_id from dispatch_jobs where id = ${order.jobId}`;
    expect(job).toEqual({ status: 'cancelled', assigned_pro_id: null });
    const told = await api.t
      .sql`select type, data->>'proId' as pro from job_events where job_id = ${order.jobId} and type in ('released', 'cancelled') order by id`;
    expect(told).toEqual([
      { type: 'released', pro: pro.userId },
      { type: 'cancelled', pro: pro.userId },
    ]);
    expect((await (await api.caller(pro)).jobs.mine()).upcoming.map((j) => j.jobId)).not.toContain(order.jobId);

    // The payout (test mode records it), run twice as a retried queue job would: one refund.
    expect(await payRefund(api.t.db, api.server.deps.payments, order.orderId, api.clock.now())).toBe('paid');
    expect(await payRefund(api.t.db, api.server.deps.payments, order.orderId, api.clock.now())).toBe('already-paid');
    const view = (await customer.account.orders()).orders.find((o) => o.orderId === order.orderId);
    expect(view).toMatchObject({
      cancelledAt: expect.any(String),
      refund: { status: 'succeeded', amountCents: 14900 },
      job: { status: 'cancelled' },
    });
    const refunded = await api.t.sql`select 1 from job_events where job_id = ${order.jobId} and type = 'refunded'`;
    expect(refunded).toHaveLength(1);
    // A cancelled visit cannot be rescheduled or accepted.
    await expect(customer.schedule.reschedule({ sessionId: order.sessionId, ...slot('2026-01-22') })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
  });

  it('after the cutoff a customer is refused with the policy; an admin cancels any time, with a reason', async () => {
    const order = await api.paidOrder();
    await (await api.caller(null)).schedule.confirm({ sessionId: order.sessionId, ...slot('2026-01-10') });
    api.clock.set('2026-01-09T20:00:00.000Z');
    try {
      const customer = await api.caller(order.customer);
      await expect(customer.orders.cancel({ orderId: order.orderId })).rejects.toMatchObject({
        code: 'CONFLICT',
        message: expect.stringMatching(/cancelled online until 24 hours before the window starts.*call dispatch/),
      });
      const admin = await api.caller(await api.admin());
      await expect(admin.orders.cancel({ orderId: order.orderId })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
      await expect(admin.orders.cancel({ orderId: order.orderId, reason: 'Customer called: emergency' })).resolves.toMatchObject({
        job: { status: 'cancelled' },
      });
      const [row] = await api.t.sql`select cancellation_reason from orders where id = ${order.orderId}`;
      expect(row).toEqual({ cancellation_reason: 'Customer called: emergency' });
    } finally {
      api.clock.set('2026-01-09T15:00:00.000Z');
    }
  });

  it('refuses other customers and pros', async () => {
    const order = await api.paidOrder();
    const other = await api.paidOrder();
    await expect((await api.caller(other.customer)).orders.cancel({ orderId: order.orderId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect((await api.caller(await api.pro())).orders.cancel({ orderId: order.orderId })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect((await api.caller(null)).orders.cancel({ orderId: order.orderId })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});

describe('the refund payout in Stripe mode', () => {
  it('calls refunds.create with one idempotency key per refund, so a retry after a crash cannot refund twice', async () => {
    const order = await api.paidOrder();
    await cancelOrder(api.t.db, { orderId: order.orderId }, { userId: order.customer.userId, role: 'customer' }, api.clock.now(), 'stripe');
    const calls: { params: Record<string, unknown>; key: string | undefined }[] = [];
    let crash = true;
    const stripe = {
      checkout: { sessions: { retrieve: async () => ({ payment_intent: 'pi_test_123' }) } },
      refunds: {
        create: async (params: Record<string, unknown>, options?: { idempotencyKey?: string }) => {
          calls.push({ params, key: options?.idempotencyKey });
          // The first attempt "reaches Stripe" and then the worker dies before recording it.
          if (crash) {
            crash = false;
            throw new Error('worker died');
          }
          return { id: 're_123' };
        },
      },
    };
    const payments = { mode: 'stripe', stripe } as unknown as Payments;
    await expect(payRefund(api.t.db, payments, order.orderId, api.clock.now())).rejects.toThrow('worker died');
    expect(await payRefund(api.t.db, payments, order.orderId, api.clock.now())).toBe('paid');
    expect(await payRefund(api.t.db, payments, order.orderId, api.clock.now())).toBe('already-paid');
    expect(calls).toHaveLength(2);
    expect(calls[0]!.key).toMatch(/^h2s-refund-REF-/);
    expect(calls[1]!.key).toBe(calls[0]!.key);
    expect(calls[0]!.params).toMatchObject({ payment_intent: 'pi_test_123', amount: 14900 });
    const [row] = await api.t.sql`select status, stripe_refund_id from refunds where order_id = ${order.orderId}`;
    expect(row).toEqual({ status: 'succeeded', stripe_refund_id: 're_123' });
  });
});
