import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offerTasks } from '../tasks/offers';
import { createTestApi, type TestApi } from '../test/fixtures';
import { startWorker } from '../worker';
import { escalateKey, widenKey } from './offer-timers';
import type { DispatchPolicy } from './policy';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi({ now: '2026-01-09T15:00:00.000Z' });
});
afterAll(async () => api?.close());

const policy: DispatchPolicy = { widenAfterMinutes: 30, escalateAfterMinutes: 60, rescheduleCutoffHours: 24 };
const minutes = (n: number) => n * 60_000;

/** The queue job waiting under a key, if any. */
const queued = async (key: string) =>
  (await api.t.sql<{ id: string; attempts: number }[]>`select id::text, attempts from graphile_worker.jobs where key = ${key}`)[0];

/** Makes the keyed queue job due now (it was scheduled in real time, the test clock jumps ahead). */
const makeDue = (key: string) =>
  api.t.sql`select graphile_worker.reschedule_jobs(array(select id from graphile_worker.jobs where key = ${key}), run_at => now())`;

const events = async (jobId: string) =>
  (await api.t.sql<{ type: string }[]>`select type from job_events where job_id = ${jobId} order by id`).map((e) => e.type);

/** Runs a worker until `done` holds (or 5 s), then stops it: one process lifetime. */
async function runWorkerUntil(done: () => Promise<boolean>) {
  const runner = await startWorker({
    connectionString: api.t.url,
    pollIntervalMs: 50,
    taskList: offerTasks({ db: api.t.db, clock: api.clock, policy }),
  });
  try {
    for (let i = 0; i < 100 && !(await done()); i++) await new Promise((r) => setTimeout(r, 50));
  } finally {
    await runner.stop();
  }
}

describe('offers widen, then escalate', () => {
  it('a widen step survives a worker restart, happens once, and then escalates to "needs dispatch" at the top of the board', async () => {
    const start = new Date('2026-01-09T15:00:00.000Z');
    api.clock.set(start);
    const order = await api.paidOrder();
    // Paying opened the job and queued its widen step in the same transaction.
    expect(await queued(widenKey(order.jobId))).toBeDefined();

    // First worker: the step comes up early (as after clock skew); it widens nothing and re-queues itself.
    await makeDue(widenKey(order.jobId));
    await runWorkerUntil(
      async () =>
        (await queued(widenKey(order.jobId)))?.attempts === 0 &&
        !(await api.t.sql`select 1 from graphile_worker.jobs where key = ${widenKey(order.jobId)} and run_at <= now()`).length,
    );
    let [job] = await api.t.sql`select widened_at from dispatch_jobs where id = ${order.jobId}`;
    expect(job!.widened_at).toBeNull();
    expect(await queued(widenKey(order.jobId))).toBeDefined();

    // The worker is gone; time passes; a new worker process picks the step up from the database.
    api.clock.set(new Date(start.getTime() + minutes(31)));
    await makeDue(widenKey(order.jobId));
    await runWorkerUntil(async () => (await events(order.jobId)).includes('widened'));
    [job] = await api.t.sql`select widened_at, needs_dispatch_at from dispatch_jobs where id = ${order.jobId}`;
    expect(new Date(job!.widened_at as string)).toEqual(new Date(start.getTime() + minutes(31)));
    expect(job!.needs_dispatch_at).toBeNull();
    expect(await queued(widenKey(order.jobId))).toBeUndefined();
    expect(await queued(escalateKey(order.jobId))).toBeDefined();

    api.clock.set(new Date(start.getTime() + minutes(92)));
    await makeDue(escalateKey(order.jobId));
    await runWorkerUntil(async () => (await events(order.jobId)).includes('escalated'));
    expect(await events(order.jobId)).toEqual(['created', 'widened', 'escalated']);

    const admin = await api.caller(await api.admin());
    const board = await admin.admin.board({});
    expect(board.jobs[0]).toMatchObject({ jobId: order.jobId, needsDispatchAt: expect.any(String), widenedAt: expect.any(String) });
  });

  it('a job claimed before its step is due is left alone', async () => {
    api.clock.set('2026-01-09T15:00:00.000Z');
    const order = await api.paidOrder();
    await (await api.caller(await api.pro())).jobs.accept({ jobId: order.jobId });
    api.clock.set('2026-01-09T16:00:00.000Z');
    await makeDue(widenKey(order.jobId));
    await runWorkerUntil(async () => !(await queued(widenKey(order.jobId))));
    expect(await events(order.jobId)).toEqual(['created', 'accepted']);
  });
});
