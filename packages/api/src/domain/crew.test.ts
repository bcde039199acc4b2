import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, rejection, type TestApi } from '../test/fixtures';
import { auditIntegrity } from '../integrity';
import { trackingToken } from './tracking';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi({ poolMax: 14 });
});
afterAll(async () => api?.close());

const XL = 'tv-mount-xl-masonry';

async function crewJob() {
  api.clock.set('2026-01-09T15:00:00Z');
  const order = await api.paidOrder({ items: [{ sku: XL, quantity: 1 }] });
  await (
    await api.caller(null)
  ).schedule.confirm({ sessionId: order.sessionId, date: '2026-01-15', timezone: 'America/Chicago', timeWindow: '12pm - 3pm' });
  return order;
}

describe('crew jobs', () => {
  it('the catalog says how many pros each bundle needs, and a job needs the most of its bundles', async () => {
    const { bundles } = await (await api.caller(null)).catalog.list();
    expect(bundles.find((b) => b.sku === XL)?.crewSize).toBe(2);
    expect(bundles.find((b) => b.sku === 'tv-mount-standard')?.crewSize).toBe(1);
    const mixed = await api.paidOrder({
      items: [
        { sku: 'tv-mount-standard', quantity: 2 },
        { sku: XL, quantity: 1 },
      ],
    });
    const single = await api.paidOrder();
    const rows = await api.t.sql<{ id: string; crew: number }[]>`
      select id, crew_size as crew from dispatch_jobs where id in ${api.t.sql([mixed.jobId, single.jobId])}`;
    expect(Object.fromEntries(rows.map((r) => [r.id, r.crew]))).toEqual({ [mixed.jobId]: 2, [single.jobId]: 1 });
  });

  it('a 10-way race for the seats of a two-pro job has exactly 2 winners; the first leads, and the job is then assigned', async () => {
    const order = await crewJob();
    const pros = await Promise.all(Array.from({ length: 10 }, (_, i) => api.pro({ name: `Racer ${i} Crew` })));
    const callers = await Promise.all(pros.map((p) => api.caller(p)));
    const results = await Promise.allSettled(callers.map((c) => c.jobs.accept({ jobId: order.jobId })));
    const won = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const lost = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as { code: string; message: string }] : []));
    expect(won).toHaveLength(2);
    expect(new Set(won.map((w) => w.proId)).size).toBe(2);
    expect(won.map((w) => w.seat?.number).sort()).toEqual([1, 2]);
    expect(lost).toHaveLength(8);
    expect(lost.every((e) => e.code === 'CONFLICT' && e.message === 'Every seat on this job is taken')).toBe(true);
    const lead = won.find((w) => w.seat?.lead)!;
    const [job] = await api.t.sql<{ status: string; pro: string; seats: number }[]>`
      select status, assigned_pro_id as pro, seats_taken as seats from dispatch_jobs where id = ${order.jobId}`;
    expect(job).toEqual({ status: 'accepted', pro: lead.proId, seats: 2 });
    const seats = await api.t.sql`select 1 from job_crew_seats where job_id = ${order.jobId}`;
    expect(seats).toHaveLength(2);
  }, 60_000);

  it('one seat filled: still offered to others, the customer reads "1 of 2", a repeat keeps the same seat', async () => {
    const order = await crewJob();
    const first = await api.pro({ name: 'Jordan Lead' });
    const second = await api.pro({ name: 'Sam Second' });
    const claimed = await (await api.caller(first)).jobs.accept({ jobId: order.jobId });
    expect(claimed.seat).toEqual({ number: 1, of: 2, lead: true });
    expect(await (await api.caller(first)).jobs.accept({ jobId: order.jobId })).toEqual(claimed);
    const [job] = await api.t.sql<
      { status: string; pro: string | null }[]
    >`select status, assigned_pro_id as pro from dispatch_jobs where id = ${order.jobId}`;
    expect(job).toEqual({ status: 'scheduled', pro: null });
    const offers = await (await api.caller(second)).offers.list();
    expect(offers.offers.map((o) => o.jobId)).toContain(order.jobId);
    const anon = await api.caller(null);
    expect((await anon.tracking.get({ token: trackingToken(api.server.deps, order.orderId, 1) })).crew).toEqual({ size: 2, confirmed: 1 });
    // The seat holder already sees the job among theirs.
    expect((await (await api.caller(first)).jobs.mine()).upcoming.map((j) => j.jobId)).toContain(order.jobId);

    await (await api.caller(second)).jobs.accept({ jobId: order.jobId });
    expect((await anon.tracking.get({ token: trackingToken(api.server.deps, order.orderId, 1) })).crew).toEqual({ size: 2, confirmed: 2 });
    // Each seat holder sees the job with the other's name; only the lead takes the visit's steps.
    const seen = await (await api.caller(second)).jobs.get({ jobId: order.jobId });
    expect(seen.customer).not.toBeNull();
    expect(seen.crew?.members.map((m) => [m.name, m.lead])).toEqual([
      ['Jordan Lead', true],
      ['Sam Second', false],
    ]);
    expect((await rejection((await api.caller(second)).jobs.depart({ jobId: order.jobId }))).code).toMatch(/FORBIDDEN|CONFLICT/);
    expect((await (await api.caller(first)).jobs.depart({ jobId: order.jobId })).status).toBe('en_route');
  });

  it('the database refuses a seat beyond the crew size and one pro in two seats', async () => {
    const order = await crewJob();
    const a = await api.pro();
    const b = await api.pro();
    await api.t
      .sql`insert into job_crew_seats (id, job_id, crew_size, seat, pro_id, claimed_at) values ('ASG-SEATAAAA', ${order.jobId}, 2, 1, ${a.userId}, now())`;
    await api.t.sql`update dispatch_jobs set seats_taken = 1 where id = ${order.jobId}`;
    await expect(
      api.t
        .sql`insert into job_crew_seats (id, job_id, crew_size, seat, pro_id, claimed_at) values ('ASG-SEATBBBB', ${order.jobId}, 2, 3, ${b.userId}, now())`,
    ).rejects.toThrow(/job_crew_seats_seat_check/);
    await expect(
      api.t
        .sql`insert into job_crew_seats (id, job_id, crew_size, seat, pro_id, claimed_at) values ('ASG-SEATCCCC', ${order.jobId}, 3, 3, ${b.userId}, now())`,
    ).rejects.toThrow(/job_crew_seats_job_fk/);
    await expect(
      api.t
        .sql`insert into job_crew_seats (id, job_id, crew_size, seat, pro_id, claimed_at) values ('ASG-SEATDDDD', ${order.jobId}, 2, 2, ${a.userId}, now())`,
    ).rejects.toThrow(/job_crew_seats_job_pro_key/);
    // Leave no seat without its visit behind (the audit in the next test reads the whole database).
    await api.t.sql`delete from job_crew_seats where id = 'ASG-SEATAAAA'`;
    await api.t.sql`update dispatch_jobs set seats_taken = 0 where id = ${order.jobId}`;
  });

  it('dispatch fills a seat, completing the crew, then replaces the lead; the integrity audit agrees', async () => {
    const order = await crewJob();
    const first = await api.pro({ name: 'Ana First' });
    const second = await api.pro({ name: 'Ben Second' });
    const third = await api.pro({ name: 'Cal Third' });
    await (await api.caller(first)).jobs.accept({ jobId: order.jobId });
    const admin = await api.caller(await api.admin());
    expect((await rejection(admin.admin.assignSeat({ jobId: order.jobId, seat: 2, proId: first.userId }))).message).toBe(
      'That pro already holds seat 1.',
    );
    const full = await admin.admin.assignSeat({ jobId: order.jobId, seat: 2, proId: second.userId });
    expect(full).toMatchObject({ size: 2, confirmed: 2 });
    const [assigned] = await api.t.sql<
      { pro: string; status: string }[]
    >`select assigned_pro_id as pro, status from dispatch_jobs where id = ${order.jobId}`;
    expect(assigned).toEqual({ pro: first.userId, status: 'accepted' });
    const replaced = await admin.admin.assignSeat({ jobId: order.jobId, seat: 1, proId: third.userId });
    expect(replaced.members.map((m) => [m.name, m.lead])).toEqual([
      ['Cal Third', true],
      ['Ben Second', false],
    ]);
    const [lead] = await api.t.sql<{ pro: string }[]>`select assigned_pro_id as pro from dispatch_jobs where id = ${order.jobId}`;
    expect(lead?.pro).toBe(third.userId);
    const live = await api.t.sql<
      { pro: string }[]
    >`select pro_id as pro from job_assignments where job_id = ${order.jobId} and state = 'accepted'`;
    expect(live).toEqual([{ pro: third.userId }]);
    // The replaced pro no longer sees it; the new lead does.
    expect((await rejection((await api.caller(first)).jobs.get({ jobId: order.jobId }))).code).toBe('FORBIDDEN');
    expect((await (await api.caller(third)).jobs.get({ jobId: order.jobId })).crew?.confirmed).toBe(2);
    const report = await auditIntegrity({ db: api.t.db, storage: api.server.deps.storage });
    expect(report.invariants.find((i) => i.number === 11)).toMatchObject({ breaches: [] });
  });
});
