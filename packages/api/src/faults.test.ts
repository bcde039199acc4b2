/**
 * The database connection dies in the middle of a write: the webhook, schedule and accept
 * transactions are each stopped after their first writes (held at their last insert by a lock,
 * then their backend is terminated). Nothing may be half-written, the client must get a retryable
 * answer, and a retry must succeed exactly once.
 */
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyStripeEvent } from './domain/checkout';
import { signTestEvent, testPayments } from './domain/payments';
import { createTestApi, sampleCheckout, TEST_WEBHOOK_SECRET, type TestApi } from './test/fixtures';

let api: TestApi;
let admin: postgres.Sql;

beforeAll(async () => {
  api = await createTestApi();
  admin = postgres(api.t.url, { max: 2, onnotice: () => {} });
});
afterAll(async () => {
  await admin?.end();
  await api?.close();
});

/**
 * Runs `work` while job_events is locked against inserts; once `work`'s transaction is waiting on
 * that lock (everything before it written), its backend is terminated.
 */
async function killMidTransaction<T>(work: () => Promise<T>): Promise<{ result?: T; error?: unknown }> {
  const holder = await admin.reserve();
  await holder`begin`;
  await holder`lock table job_events in share mode`;
  const outcome = work().then(
    (result) => ({ result }),
    (error: unknown) => ({ error }),
  );
  let victim: number | undefined;
  for (let i = 0; i < 200 && !victim; i++) {
    const rows = await admin<{ pid: number }[]>`
      select pid from pg_stat_activity
      where datname = current_database() and wait_event_type = 'Lock' and pid <> ${(await holder`select pg_backend_pid() as pid`)[0]!.pid}`;
    victim = rows[0]?.pid;
    if (!victim) await new Promise((r) => setTimeout(r, 25));
  }
  expect(victim, 'the transaction reached its last insert and waited').toBeDefined();
  await admin`select pg_terminate_backend(${victim!})`;
  await holder`rollback`;
  holder.release();
  return outcome;
}

describe('a connection killed mid-transaction', () => {
  it('webhook: 503 (Stripe retries), no order paid, no job, no event; the retry applies it once', async () => {
    const payments = testPayments(TEST_WEBHOOK_SECRET);
    const order = await (await api.caller(null)).checkout.create(sampleCheckout());
    const [row] = await api.t.sql`select amount_total_cents from orders where id = ${order.orderId}`;
    const event = signTestEvent(payments, {
      type: 'checkout.session.completed',
      sessionId: order.sessionId,
      orderId: order.orderId,
      amountTotalCents: row!.amount_total_cents,
      paymentStatus: 'paid',
    });
    const request = () =>
      new Request('http://x/api/stripe/webhook', { method: 'POST', body: event.payload, headers: { 'stripe-signature': event.signature } });

    const { result } = await killMidTransaction(() => api.server.handleWebhook(request()));
    expect(result?.status).toBe(503);
    const [after] = await api.t.sql`
      select payment_status, (select count(*)::int from dispatch_jobs where order_id = ${order.orderId}) as jobs,
             (select count(*)::int from stripe_events where id = ${event.eventId}) as events
      from orders where id = ${order.orderId}`;
    expect(after).toEqual({ payment_status: 'pending', jobs: 0, events: 0 });

    const retry = await api.server.handleWebhook(request());
    expect(retry.status).toBe(200);
    expect(await retry.json()).toMatchObject({ outcome: 'paid' });
    const again = await applyStripeEvent({ db: api.t.db, payments }, event.payload, event.signature, api.clock.now());
    expect(again.outcome).toBe('duplicate');
    const [final] = await api.t.sql`select count(*)::int as jobs from dispatch_jobs where order_id = ${order.orderId}`;
    expect(final!.jobs).toBe(1);
  });

  it('schedule.confirm: SERVICE_UNAVAILABLE, neither order nor job changed; the retry schedules both', async () => {
    const order = await api.paidOrder();
    const slot = { sessionId: order.sessionId, date: '2026-01-15', timezone: 'America/Chicago', timeWindow: '12pm - 3pm' as const };
    const { error } = await killMidTransaction(async () => (await api.caller(null)).schedule.confirm(slot));
    expect(error).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    const [before] = await api.t.sql`
      select o.schedule_status, j.status, j.due_at from orders o join dispatch_jobs j on j.order_id = o.id where o.id = ${order.orderId}`;
    expect(before).toEqual({ schedule_status: 'unscheduled', status: 'queued', due_at: null });

    const retry = await (await api.caller(null)).schedule.confirm(slot);
    expect(retry.dueAt).toBe('2026-01-15T18:00:00.000Z');
    const [after] = await api.t.sql`
      select o.schedule_status, j.status from orders o join dispatch_jobs j on j.order_id = o.id where o.id = ${order.orderId}`;
    expect(after).toEqual({ schedule_status: 'scheduled', status: 'scheduled' });
  });

  it('jobs.accept: SERVICE_UNAVAILABLE, the job is still open with no assignment; the retry wins it', async () => {
    const order = await api.paidOrder();
    const pro = await api.pro();
    const { error } = await killMidTransaction(async () => (await api.caller(pro)).jobs.accept({ jobId: order.jobId }));
    expect(error).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    const [job] = await api.t.sql`
      select status, assigned_pro_id, (select count(*)::int from job_assignments where job_id = ${order.jobId}) as assignments
      from dispatch_jobs where id = ${order.jobId}`;
    expect(job).toEqual({ status: 'queued', assigned_pro_id: null, assignments: 0 });

    const retry = await (await api.caller(pro)).jobs.accept({ jobId: order.jobId });
    expect(retry).toMatchObject({ jobId: order.jobId, proId: pro.userId, state: 'accepted' });
  });
});

describe('the postgres driver after its backend dies', () => {
  it('rejects the next queries on a pinned connection with CONNECTION_CLOSED instead of crashing the process', async () => {
    // Unpatched postgres@3.4.9 throws an uncaught TypeError here (porsager/postgres#1208); see patches/.
    const sql = postgres(api.t.url, { max: 1, onnotice: () => {} });
    const reserved = await sql.reserve();
    const [row] = await reserved<{ pid: number }[]>`select pg_backend_pid() as pid`;
    await admin`select pg_terminate_backend(${row!.pid})`;
    await new Promise((r) => setTimeout(r, 200));
    const outcomes: string[] = [];
    for (let i = 0; i < 3; i++)
      outcomes.push(
        await reserved`select 1`.then(
          () => 'ok',
          (e: { code?: string }) => e.code ?? 'error',
        ),
      );
    expect(outcomes).toEqual(['CONNECTION_CLOSED', 'CONNECTION_CLOSED', 'CONNECTION_CLOSED']);
    reserved.release();
    await sql.end({ timeout: 1 });
  });
});
