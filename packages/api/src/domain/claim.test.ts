import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../test/fixtures';

let api: TestApi;
beforeAll(async () => {
  // The races need real connections: one per racing pro, up to the pool.
  api = await createTestApi({ poolMax: 40 });
});
afterAll(async () => api?.close());

const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 'won',
    (e: { code?: string; message?: string }) => `${e.code}: ${e.message}`,
  );

describe('jobs.accept: exactly one pro wins', () => {
  it('20 pros accept one job at the same instant: one success, 19 "Job no longer available"', async () => {
    const order = await api.paidOrder();
    const pros = await Promise.all(Array.from({ length: 20 }, () => api.pro()));
    const callers = await Promise.all(pros.map((p) => api.caller(p)));
    const results = await Promise.all(callers.map((c) => outcome(c.jobs.accept({ jobId: order.jobId }))));
    expect(results.filter((r) => r === 'won')).toHaveLength(1);
    expect(results.filter((r) => r === 'CONFLICT: Job no longer available')).toHaveLength(19);
    const rows = await api.t.sql`select pro_id from job_assignments where job_id = ${order.jobId} and state = 'accepted'`;
    expect(rows).toHaveLength(1);
    const winner = pros[results.indexOf('won')]!;
    const [job] = await api.t.sql`select status, assigned_pro_id from dispatch_jobs where id = ${order.jobId}`;
    expect(job).toEqual({ status: 'accepted', assigned_pro_id: winner.userId });
    expect(rows[0]!.pro_id).toBe(winner.userId);
  });

  it('200 jobs with 50 pros racing for all of them: no job is ever double-assigned', async () => {
    const orders: Awaited<ReturnType<TestApi['paidOrder']>>[] = [];
    for (let i = 0; i < 200; i++) orders.push(await api.paidOrder());
    const pros = await Promise.all(Array.from({ length: 50 }, () => api.pro()));
    const callers = await Promise.all(pros.map((p) => api.caller(p)));
    // Each pro walks the jobs in its own order, so every job sees contention from many pros.
    const results = await Promise.all(
      callers.map(async (caller, p) => {
        let wins = 0;
        for (let k = 0; k < orders.length; k++) {
          const order = orders[(k * 7 + p * 13) % orders.length]!;
          if ((await outcome(caller.jobs.accept({ jobId: order.jobId }))) === 'won') wins++;
        }
        return wins;
      }),
    );
    expect(results.reduce((a, b) => a + b, 0)).toBe(200);
    const jobIds = orders.map((o) => o.jobId);
    const [counts] = await api.t.sql`
      select count(*)::int as jobs,
             count(*) filter (where a.n = 1)::int as exactly_one,
             count(*) filter (where j.assigned_pro_id = a.pro_id)::int as matching
      from dispatch_jobs j
      join (select job_id, count(*)::int as n, min(pro_id) as pro_id from job_assignments where state = 'accepted' group by job_id) a on a.job_id = j.id
      where j.id = any(${jobIds})`;
    expect(counts).toEqual({ jobs: 200, exactly_one: 200, matching: 200 });
  }, 120_000);

  it('the same pro clicking twice gets the same assignment back', async () => {
    const order = await api.paidOrder();
    const pro = await api.caller(await api.pro());
    const first = await pro.jobs.accept({ jobId: order.jobId });
    const again = await pro.jobs.accept({ jobId: order.jobId });
    expect(again).toEqual(first);
    expect(first.state).toBe('accepted');
  });

  it('refuses a job outside the pro\'s service area and an unknown job', async () => {
    const order = await api.paidOrder();
    const faraway = await api.caller(await api.pro({ postalCode: '78701', serviceRadiusMiles: 50 }));
    await expect(faraway.jobs.accept({ jobId: order.jobId })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(faraway.jobs.accept({ jobId: 'JOB-ZZZZZZZZ' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(faraway.jobs.accept({ jobId: "JOB-'; drop table orders; --" })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});

describe('admin.assign and jobs.complete', () => {
  it('assigns, then reassigns by releasing the old assignment, with the history recorded', async () => {
    const order = await api.paidOrder();
    const [first, second] = [await api.pro({ name: 'First Pro' }), await api.pro({ name: 'Second Pro' })];
    const admin = await api.caller(await api.admin());
    const a1 = await admin.admin.assign({ jobId: order.jobId, proId: first.userId });
    expect(a1).toMatchObject({ jobId: order.jobId, proId: first.userId, state: 'accepted' });
    const a2 = await admin.admin.assign({ jobId: order.jobId, proId: second.userId });
    expect(a2).toMatchObject({ proId: second.userId, state: 'accepted' });
    const assignments = await api.t.sql`select pro_id, state from job_assignments where job_id = ${order.jobId} order by assigned_at, pro_id`;
    expect(assignments).toEqual(
      expect.arrayContaining([
        { pro_id: first.userId, state: 'released' },
        { pro_id: second.userId, state: 'accepted' },
      ]),
    );
    expect((await (await api.caller(first)).jobs.mine()).upcoming.map((j) => j.jobId)).not.toContain(order.jobId);
    expect((await (await api.caller(second)).jobs.mine()).upcoming.map((j) => j.jobId)).toContain(order.jobId);
    const { events } = await admin.admin.history({ jobId: order.jobId });
    expect(events.map((e) => e.type)).toEqual(['created', 'assigned', 'released', 'reassigned']);
  });

  it('lets only the assigned pro complete, once; completed jobs move to the completed list', async () => {
    const order = await api.paidOrder();
    const ownerPro = await api.pro();
    const owner = await api.caller(ownerPro);
    const stranger = await api.caller(await api.pro());
    await owner.jobs.accept({ jobId: order.jobId });
    await expect(stranger.jobs.complete({ jobId: order.jobId })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await api.finishVisit(ownerPro, order.jobId);
    const done = await owner.jobs.get({ jobId: order.jobId });
    expect(done.status).toBe('completed');
    expect((await owner.jobs.complete({ jobId: order.jobId })).status).toBe('completed');
    const mine = await owner.jobs.mine();
    expect(mine.completed.map((j) => j.jobId)).toContain(order.jobId);
    expect(mine.upcoming.map((j) => j.jobId)).not.toContain(order.jobId);
    const admin = await api.caller(await api.admin());
    await expect(admin.admin.assign({ jobId: order.jobId, proId: (await api.pro()).userId })).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});

describe('admin.board', () => {
  it('filters by the customer\'s own date, by status and by unassigned', async () => {
    const honolulu = await api.paidOrder({ serviceAddress: { line1: '2255 Kalakaua Ave', city: 'Honolulu', state: 'HI', postalCode: '96815' } });
    await (await api.caller(null)).schedule.confirm({ sessionId: honolulu.sessionId, date: '2026-01-17', timezone: 'Pacific/Honolulu', timeWindow: '3pm - 6pm' });
    const admin = await api.caller(await api.admin());
    // 3pm in Honolulu on the 17th is 01:00 UTC on the 18th; dispatch still sees it on the 17th.
    expect((await admin.admin.board({ date: '2026-01-17' })).jobs.map((j) => j.jobId)).toContain(honolulu.jobId);
    expect((await admin.admin.board({ date: '2026-01-18' })).jobs.map((j) => j.jobId)).not.toContain(honolulu.jobId);
    const scheduled = await admin.admin.board({ status: 'scheduled', unassigned: true });
    expect(scheduled.jobs.length).toBeGreaterThan(0);
    expect(scheduled.jobs.every((j) => j.status === 'scheduled' && j.assignedPro === null)).toBe(true);
  });
});
