/** Issue 22, item 4: a pro taken off a job by reassignment is told, by email, exactly once. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runner } from 'graphile-worker';
import { createTestApi, type TestApi } from '../test/fixtures';
import { startWorker } from '../worker';
import { createTaskList } from '../tasks';
import type { OutgoingEmail } from './email';

let api: TestApi;
let runner: Runner;
const sent: OutgoingEmail[] = [];

beforeAll(async () => {
  api = await createTestApi();
  runner = await startWorker({
    connectionString: api.t.url,
    pollIntervalMs: 100,
    taskList: createTaskList({
      db: api.t.db,
      mailer: { send: async (message) => void sent.push(message), close() {} },
      clock: api.clock,
      payments: api.server.deps.payments,
      customerOrigin: 'http://customer.test',
      urlSigningSecret: api.server.deps.urlSigningSecret,
    }),
  });
});
afterAll(async () => {
  await runner?.stop();
  await api?.close();
});

async function allSent(): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const [row] = await api.t.sql<{ n: number }[]>`select count(*)::int as n from email_notifications where sent_at is null`;
    if (row?.n === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the worker did not send every email');
}

async function scheduledOrder(items?: { sku: string; quantity: number }[]) {
  const order = await api.paidOrder({
    ...(items ? { items } : {}),
    customer: { name: 'Quinn Private', email: `quinn+${Math.random().toString(36).slice(2, 8)}@example.com`, phone: '312-555-0142' },
  });
  await (
    await api.caller(null)
  ).schedule.confirm({ sessionId: order.sessionId, date: '2026-01-15', timezone: 'America/Chicago', timeWindow: '12pm - 3pm' });
  return order;
}

const to = (email: string) => sent.filter((m) => m.to === email);

describe('reassignment tells the pro taken off the job', () => {
  it('the removed pro gets one email naming the job, its window at the home and the area; the new pro is assigned; a repeat sends nothing', async () => {
    const order = await scheduledOrder();
    const first = await api.pro({ name: 'Fran First' });
    const second = await api.pro({ name: 'Sam Second' });
    const admin = await api.caller(await api.admin());
    await admin.admin.assign({ jobId: order.jobId, proId: first.userId });
    await admin.admin.assign({ jobId: order.jobId, proId: second.userId });
    await admin.admin.assign({ jobId: order.jobId, proId: second.userId }); // the same reassignment again
    await allSent();

    const removed = to(first.email);
    expect(removed).toHaveLength(1);
    expect(removed[0]!.subject).toBe(`Job ${order.jobId} is no longer assigned to you`);
    expect(removed[0]!.text).toContain('Hi Fran,');
    expect(removed[0]!.text).toContain('It is no longer yours');
    expect(removed[0]!.text).toContain('When: Thu, Jan 15, 12pm–3pm (America/Chicago time, at the home)');
    expect(removed[0]!.text).toContain('Where: Chicago, IL 60601');
    // Public-safe: neither the customer's name nor their street.
    expect(removed[0]!.text).not.toMatch(/Quinn|Wacker/);
    expect(to(second.email)).toHaveLength(0);
    // The new pro's assignment went out as before (the customer's "your pro" message names them), once.
    const assigned = await api.t.sql<{ pro: string }[]>`
      select data->>'proId' as pro from email_notifications where job_id = ${order.jobId} and kind = 'pro_assigned' order by id`;
    expect(assigned.map((a) => a.pro)).toEqual([first.userId, second.userId]);
    const told = await api.t.sql`select 1 from email_notifications where job_id = ${order.jobId} and kind = 'pro_unassigned'`;
    expect(told).toHaveLength(1);

    // Moved back to the first pro: now the second is told, and the first is not told again.
    await admin.admin.assign({ jobId: order.jobId, proId: first.userId });
    await allSent();
    expect(to(second.email).map((m) => m.subject)).toEqual([`Job ${order.jobId} is no longer assigned to you`]);
    expect(to(first.email)).toHaveLength(1);
  });

  it('a crew seat given to another pro tells the pro who held it, naming the seat', async () => {
    const order = await scheduledOrder([{ sku: 'tv-mount-xl-masonry', quantity: 1 }]);
    const lead = await api.pro({ name: 'Lee Lead' });
    const helper = await api.pro({ name: 'Hal Helper' });
    const replacement = await api.pro({ name: 'Ray Replacement' });
    await (await api.caller(lead)).jobs.accept({ jobId: order.jobId });
    const admin = await api.caller(await api.admin());
    await admin.admin.assignSeat({ jobId: order.jobId, seat: 2, proId: helper.userId });
    await admin.admin.assignSeat({ jobId: order.jobId, seat: 2, proId: replacement.userId });
    await admin.admin.assignSeat({ jobId: order.jobId, seat: 2, proId: replacement.userId });
    await allSent();
    const removed = to(helper.email);
    expect(removed).toHaveLength(1);
    expect(removed[0]!.text).toContain(`Dispatch has reassigned job ${order.jobId} (crew seat 2)`);
    expect(to(lead.email)).toHaveLength(0);
    expect(to(replacement.email)).toHaveLength(0);
  });
});
