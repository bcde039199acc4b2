import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, rejection, type TestApi } from '../test/fixtures';
import { issuesOf, messagesByField } from '../trpc';

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
    // 10,000 accepts, each a short transaction that places the visit: minutes on a loaded 2-core machine.
  }, 300_000);

  it('the same pro clicking twice gets the same assignment back', async () => {
    const order = await api.paidOrder();
    const pro = await api.caller(await api.pro());
    const first = await pro.jobs.accept({ jobId: order.jobId });
    const again = await pro.jobs.accept({ jobId: order.jobId });
    expect(again).toEqual(first);
    expect(first.state).toBe('accepted');
  });

  it("refuses a job outside the pro's service area and an unknown job", async () => {
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
    const assignments = await api.t
      .sql`select pro_id, state from job_assignments where job_id = ${order.jobId} order by assigned_at, pro_id`;
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
  it("filters by the customer's own date, by status and by unassigned", async () => {
    await api.pro({ postalCode: '96815', serviceRadiusMiles: 25 });
    const honolulu = await api.paidOrder({
      serviceAddress: { line1: '2255 Kalakaua Ave', city: 'Honolulu', state: 'HI', postalCode: '96815' },
    });
    await (
      await api.caller(null)
    ).schedule.confirm({ sessionId: honolulu.sessionId, date: '2026-01-17', timezone: 'Pacific/Honolulu', timeWindow: '3pm - 6pm' });
    const admin = await api.caller(await api.admin());
    // 3pm in Honolulu on the 17th is 01:00 UTC on the 18th; dispatch still sees it on the 17th.
    expect((await admin.admin.board({ date: '2026-01-17' })).jobs.map((j) => j.jobId)).toContain(honolulu.jobId);
    expect((await admin.admin.board({ date: '2026-01-18' })).jobs.map((j) => j.jobId)).not.toContain(honolulu.jobId);
    const scheduled = await admin.admin.board({ status: 'scheduled', unassigned: true });
    expect(scheduled.jobs.length).toBeGreaterThan(0);
    expect(scheduled.jobs.every((j) => j.status === 'scheduled' && j.assignedPro === null)).toBe(true);
  });
});

describe('no pro in two places at once', () => {
  const schedule = async (sessionId: string, date = '2026-01-15', timeWindow: '9am - 12pm' | '12pm - 3pm' | '3pm - 6pm' = '12pm - 3pm') =>
    (await api.caller(null)).schedule.confirm({ sessionId, date, timezone: 'America/Chicago', timeWindow });

  it('20 jobs in one window accepted at once by one pro: the route holds four, 16 are refused with why', async () => {
    // Same address, no driving between them, 60 minutes each: starts at 12:00, 1:00, 2:00 and 3:00 (the window's end).
    const orders = await Promise.all(Array.from({ length: 20 }, () => api.paidOrder()));
    for (const order of orders) await schedule(order.sessionId);
    const pro = await api.pro();
    const caller = await api.caller(pro);
    const results = await Promise.all(orders.map((o) => outcome(caller.jobs.accept({ jobId: o.jobId }))));
    expect(results.filter((r) => r === 'won')).toHaveLength(4);
    const refused = results.filter((r) => r !== 'won');
    expect(refused).toHaveLength(16);
    for (const r of refused)
      expect(r).toMatch(/^CONFLICT: This job does not fit your day: the route cannot reach it between 12:00 PM and 3:00 PM/);
    const live = await api.t.sql<{ job_id: string; start: string }[]>`
      select job_id, to_char(planned_start at time zone 'America/Chicago', 'HH24:MI') as start
        from job_assignments where pro_id = ${pro.userId} and state = 'accepted' order by planned_start`;
    expect(live.map((l) => l.start)).toEqual(['12:00', '13:00', '14:00', '15:00']);
    // The database itself refuses a second overlapping live visit, whatever the code does.
    const other = orders.find((o) => !live.some((l) => l.job_id === o.jobId))!;
    await expect(
      api.t
        .sql`insert into job_assignments (id, job_id, pro_id, state, planned_arrival, planned_start, planned_end, drive_minutes, visit_range)
                values ('ASG-TESTTESTTE', ${other.jobId}, ${pro.userId}, 'accepted', '2026-01-15 19:30Z', '2026-01-15 19:30Z', '2026-01-15 20:30Z', 10,
                        tstzrange('2026-01-15 19:20Z', '2026-01-15 20:30Z'))`,
    ).rejects.toMatchObject({ code: '23P01', constraint_name: 'job_assignments_pro_visit_excl' });
  }, 60_000);

  it('the drive counts: a job 80 miles away in the next hour is refused, and offers leave it out', async () => {
    // This pro covers Milwaukee too, so the storefront takes the order (coverage at checkout).
    const pro = await api.caller(await api.pro({ serviceRadiusMiles: 100 }));
    const [chicago, milwaukee] = [
      await api.paidOrder(),
      await api.paidOrder({ serviceAddress: { line1: '700 N Water St', city: 'Milwaukee', state: 'WI', postalCode: '53202' } }),
    ];
    await schedule(chicago.sessionId, '2026-01-16', '9am - 12pm');
    await schedule(milwaukee.sessionId, '2026-01-16', '9am - 12pm');
    await pro.jobs.accept({ jobId: chicago.jobId });
    expect((await pro.offers.list()).offers.map((o) => o.jobId)).not.toContain(milwaukee.jobId);
    await expect(pro.jobs.accept({ jobId: milwaukee.jobId })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(
        /^This job does not fit your day: the route cannot reach it between 9:00 AM and 12:00 PM .*busy 9:00 AM–10:00 AM/,
      ),
    });
    // Another pro still sees and takes it.
    const other = await api.caller(await api.pro({ serviceRadiusMiles: 100 }));
    expect((await other.offers.list()).offers.map((o) => o.jobId)).toContain(milwaukee.jobId);
    await expect(other.jobs.accept({ jobId: milwaukee.jobId })).resolves.toMatchObject({ state: 'accepted' });
  });

  it('admin.assign refuses a pro whose day has no room, and one who lacks the skills', async () => {
    const [long, second, premium] = [
      await api.paidOrder({ items: [{ sku: 'tv-mount-premium', quantity: 2 }] }),
      await api.paidOrder(),
      await api.paidOrder({ items: [{ sku: 'tv-mount-premium', quantity: 1 }] }),
    ];
    await schedule(long.sessionId, '2026-01-20');
    await schedule(second.sessionId, '2026-01-20');
    const busy = await api.pro();
    const admin = await api.caller(await api.admin());
    await admin.admin.assign({ jobId: long.jobId, proId: busy.userId });
    await expect(admin.admin.assign({ jobId: second.jobId, proId: busy.userId })).rejects.toMatchObject({
      code: 'CONFLICT',
      message:
        "That pro's day has no room for this job: the route cannot reach it between 12:00 PM and 3:00 PM with 60 min of work (busy 12:00 PM–4:00 PM, driving included).",
    });
    const mounter = await api.pro({ skills: ['wall-mount'] });
    await expect(admin.admin.assign({ jobId: premium.jobId, proId: mounter.userId })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: 'That pro lacks skills this job needs: in-wall-wiring.',
    });
  });
});

describe('jobs.accept decides everything in its one statement', () => {
  it('a pro paused just before accepting cannot win', async () => {
    const order = await api.paidOrder();
    const pro = await api.pro();
    const caller = await api.caller(pro);
    await api.t.sql`update pros set active = false where user_id = ${pro.userId}`;
    await expect(caller.jobs.accept({ jobId: order.jobId })).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: 'Your account is paused; contact dispatch.',
    });
    const [job] = await api.t.sql`select status, assigned_pro_id from dispatch_jobs where id = ${order.jobId}`;
    expect(job).toEqual({ status: 'queued', assigned_pro_id: null });
  });

  it('a paused pro racing another pro for 10 jobs ends up holding none', async () => {
    const orders = await Promise.all(Array.from({ length: 10 }, () => api.paidOrder()));
    const paused = await api.pro();
    const rival = await api.caller(await api.pro());
    const pausedCaller = await api.caller(paused);
    await api.t.sql`update pros set active = false where user_id = ${paused.userId}`;
    await Promise.all(
      orders.flatMap((o) => [outcome(pausedCaller.jobs.accept({ jobId: o.jobId })), outcome(rival.jobs.accept({ jobId: o.jobId }))]),
    );
    const held = await api.t.sql`select 1 from job_assignments where pro_id = ${paused.userId}`;
    expect(held).toHaveLength(0);
  });

  it("bundles declare skills in catalog.list; admins set pros' skills at onboarding and later", async () => {
    const { bundles } = await (await api.caller(null)).catalog.list();
    expect(bundles.find((b) => b.sku === 'tv-mount-premium')?.skills).toEqual(['wall-mount', 'in-wall-wiring']);
    const admin = await api.caller(await api.admin());
    const { proId } = await admin.admin.createPro({
      name: 'Skilled Sam',
      email: `sam-${Date.now()}@pros.test`,
      password: 'long enough password',
      postalCode: '60601',
      serviceRadiusMiles: 25,
      skills: ['networking', 'smart-home', 'networking'],
    });
    const listed = async () => (await admin.admin.pros({})).pros.find((p) => p.id === proId)?.skills;
    expect(await listed()).toEqual(['networking', 'smart-home']);
    await expect(admin.admin.setProSkills({ proId, skills: ['wall-mount'] })).resolves.toEqual({ proId, skills: ['wall-mount'] });
    expect(await listed()).toEqual(['wall-mount']);
    await expect(admin.admin.setProSkills({ proId, skills: ['juggling' as 'wall-mount'] })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('refuses to onboard a pro with no skills, on the skills field (issue 22)', async () => {
    const admin = await api.caller(await api.admin());
    const pro = { name: 'Nobody Yet', password: 'long enough password', postalCode: '60601', serviceRadiusMiles: 25 };
    for (const skills of [[], undefined]) {
      const error = await rejection(admin.admin.createPro({ ...pro, email: `none-${Date.now()}@pros.test`, skills: skills as [] }));
      expect(error.code).toBe('BAD_REQUEST');
      expect(messagesByField(issuesOf(error.cause) ?? [])).toHaveProperty('skills');
    }
    expect((await api.t.sql`select count(*)::int as n from users where name = 'Nobody Yet'`)[0]!.n).toBe(0);
  });

  it('only pros holding every skill of the job can accept it', async () => {
    const order = await api.paidOrder({
      items: [
        { sku: 'smart-home-starter', quantity: 1 },
        { sku: 'wifi-mesh', quantity: 1 },
      ],
    });
    const [job] = await api.t.sql`select skills from dispatch_jobs where id = ${order.jobId}`;
    expect(job!.skills).toEqual(['networking', 'smart-home']);
    const partial = await api.caller(await api.pro({ skills: ['smart-home'] }));
    expect((await partial.offers.list()).offers.map((o) => o.jobId)).not.toContain(order.jobId);
    await expect(partial.jobs.accept({ jobId: order.jobId })).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: 'This job needs skills you do not have: networking.',
    });
    const able = await api.caller(await api.pro({ skills: ['smart-home', 'networking'] }));
    await expect(able.jobs.accept({ jobId: order.jobId })).resolves.toMatchObject({ state: 'accepted' });
  });
});
