import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { migrationsFolder } from '@h2s/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, rejection, type TestApi } from '../test/fixtures';
import { auditIntegrity } from '../integrity';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(async () => api?.close());

const XL = 'tv-mount-xl-masonry';

/** A two-pro job; two of them take longer than a window, so two at one time cannot follow each other. */
async function crewJob(timeWindow: '9am - 12pm' | '12pm - 3pm' | '3pm - 6pm' = '12pm - 3pm', date = '2026-01-15', quantity = 4) {
  api.clock.set('2026-01-09T15:00:00Z');
  const order = await api.paidOrder({ items: [{ sku: XL, quantity }] });
  await (await api.caller(null)).schedule.confirm({ sessionId: order.sessionId, date, timezone: 'America/Chicago', timeWindow });
  return order;
}

type Visit = { pro: string; state: string; arrival: string | null; drive: number | null };
const visitsOf = (jobId: string) =>
  api.t.sql<Visit[]>`select pro_id as pro, state, planned_arrival as arrival, drive_minutes as drive
                       from job_assignments where job_id = ${jobId} order by state, pro_id`;

async function audit() {
  const report = await auditIntegrity({ db: api.t.db, storage: api.server.deps.storage });
  return Object.fromEntries(report.invariants.filter((i) => i.number === 7 || i.number === 11).map((i) => [i.number, i.breaches]));
}

describe('every seat-holder has a visit of their own under the no-overlap rule', () => {
  it('a pro seated on one crew job cannot take a seat of another at the same time: the API explains, the database refuses', async () => {
    const first = await crewJob();
    const second = await crewJob();
    const lead1 = await api.pro({ name: 'Lena Leads' });
    const lead2 = await api.pro({ name: 'Omar Leads' });
    const helper = await api.pro({ name: 'Hana Helps' });
    await (await api.caller(lead1)).jobs.accept({ jobId: first.jobId });
    const seated = await (await api.caller(helper)).jobs.accept({ jobId: first.jobId });
    expect(seated.seat).toEqual({ number: 2, of: 2, lead: false });
    // Each seat-holder holds their own planned visit (the lead's is now the job's assignment).
    const visits = await visitsOf(first.jobId);
    expect(visits.map((v) => [v.pro, v.state])).toEqual([
      [lead1.userId, 'accepted'],
      [helper.userId, 'seated'],
    ]);
    expect(visits.every((v) => v.arrival !== null && v.drive !== null)).toBe(true);
    // The helper's day shows the crew job.
    const day = await (await api.caller(helper)).jobs.myDay({ date: '2026-01-15' });
    expect(day.stops.map((s) => s.jobId)).toContain(first.jobId);

    await (await api.caller(lead2)).jobs.accept({ jobId: second.jobId });
    const refused = await rejection((await api.caller(helper)).jobs.accept({ jobId: second.jobId }));
    expect(refused.code).toBe('CONFLICT');
    expect(refused.message).toMatch(/^This job does not fit your day: the route cannot reach it between .* \(busy .*driving included\)\.$/);
    const admin = await api.caller(await api.admin());
    const byDispatch = await rejection(admin.admin.assignSeat({ jobId: second.jobId, seat: 2, proId: helper.userId }));
    expect(byDispatch.code).toBe('CONFLICT');
    expect(byDispatch.message).toMatch(/^That pro's day has no room for this job: /);
    expect((await visitsOf(second.jobId)).map((v) => v.pro)).toEqual([lead2.userId]);

    // Straight to the database: a seat on the second job for the helper is a row, but a visit that
    // overlaps the one they hold is refused by the exclusion constraint, and a seated visit needs a seat.
    await expect(
      api.t
        .sql`insert into job_assignments (id, job_id, pro_id, state, planned_arrival, planned_start, planned_end, drive_minutes, visit_range)
                values ('ASG-NOSEATAAAA', ${second.jobId}, ${helper.userId}, 'seated', '2026-01-25T19:00:00Z', '2026-01-25T19:00:00Z',
                        '2026-01-25T22:00:00Z', 0, tstzrange('2026-01-25T19:00:00Z', '2026-01-25T22:00:00Z', '[)'))`,
    ).rejects.toThrow(/job_assignments_seat_fk/);
    await api.t.sql`insert into job_crew_seats (id, job_id, crew_size, seat, pro_id, claimed_at)
                     values ('ASG-DIRECTSEAT', ${second.jobId}, 2, 2, ${helper.userId}, now())`;
    await expect(
      api.t
        .sql`insert into job_assignments (id, job_id, pro_id, state, planned_arrival, planned_start, planned_end, drive_minutes, visit_range)
                values ('ASG-DIRECTVIST', ${second.jobId}, ${helper.userId}, 'seated', '2026-01-15T19:00:00Z', '2026-01-15T19:00:00Z',
                        '2026-01-15T22:00:00Z', 0, tstzrange('2026-01-15T19:00:00Z', '2026-01-15T22:00:00Z', '[)'))`,
    ).rejects.toThrow(/job_assignments_pro_visit_excl/);
    await api.t.sql`delete from job_crew_seats where id = 'ASG-DIRECTSEAT'`;

    // Dispatch gives the helper's seat to someone else: the helper's visit is freed, so the second job fits.
    const stand = await api.pro({ name: 'Sol Stands In' });
    await admin.admin.assignSeat({ jobId: first.jobId, seat: 2, proId: stand.userId });
    expect((await visitsOf(first.jobId)).map((v) => [v.pro, v.state])).toEqual([
      [lead1.userId, 'accepted'],
      [helper.userId, 'released'],
      [stand.userId, 'seated'],
    ]);
    expect((await (await api.caller(helper)).jobs.accept({ jobId: second.jobId })).seat).toEqual({ number: 2, of: 2, lead: false });
    // The pro dispatch seated clicks Accept: the answer names their own visit row, as a claim's would.
    const [standRow] = await api.t.sql<{ id: string }[]>`
      select id from job_assignments where job_id = ${first.jobId} and pro_id = ${stand.userId} and state = 'seated'`;
    expect(await (await api.caller(stand)).jobs.accept({ jobId: first.jobId })).toMatchObject({
      assignmentId: standRow!.id,
      seat: { number: 2, of: 2, lead: false },
    });
    expect(await audit()).toEqual({ 7: [], 11: [] });
  });

  it("a crew job's seated visits move with a reschedule, end with the job, and the audit names a seat without a visit", async () => {
    const order = await crewJob('9am - 12pm', '2026-01-16', 1);
    const lead = await api.pro({ name: 'Rui Leads' });
    const helper = await api.pro({ name: 'Ivy Helps' });
    await (await api.caller(lead)).jobs.accept({ jobId: order.jobId });
    await (await api.caller(helper)).jobs.accept({ jobId: order.jobId });
    await (
      await api.caller(order.customer)
    ).schedule.reschedule({ sessionId: order.sessionId, date: '2026-01-16', timezone: 'America/Chicago', timeWindow: '3pm - 6pm' });
    const moved = await visitsOf(order.jobId);
    expect(moved.map((v) => v.state)).toEqual(['accepted', 'seated']);
    expect(moved.every((v) => v.arrival !== null && Date.parse(v.arrival) >= Date.parse('2026-01-16T21:00:00Z'))).toBe(true);

    // A seat whose visit went missing is a breach the audit names.
    await api.t
      .sql`update job_assignments set planned_arrival = null, planned_start = null, planned_end = null, drive_minutes = null, visit_range = null
                     where job_id = ${order.jobId} and pro_id = ${helper.userId}`;
    expect((await audit())[11]).toEqual([expect.objectContaining({ reason: `seat 2 holder ${helper.userId} has no planned visit` })]);

    // Done (or cancelled): the seated visit leaves the pro's live day with the job.
    await api.finishVisit(lead, order.jobId);
    expect((await visitsOf(order.jobId)).map((v) => v.state)).toEqual(['completed', 'seat_completed']);
    expect(await audit()).toEqual({ 7: [], 11: [] });
  });

  it('migration 0014 gives seats held before it their visits, leaving one that would overlap unplaced', async () => {
    const order = await crewJob('9am - 12pm', '2026-01-19', 1);
    const lead = await api.pro({ name: 'Old Lead' });
    const helper = await api.pro({ name: 'Old Helper' });
    await (await api.caller(lead)).jobs.accept({ jobId: order.jobId });
    await (await api.caller(helper)).jobs.accept({ jobId: order.jobId });
    const other = await crewJob('9am - 12pm', '2026-01-19', 1);
    const busy = await api.pro({ name: 'Old Busy' });
    await (await api.caller(busy)).jobs.accept({ jobId: other.jobId });
    // As before 0014: seats without rows of their own, a lead's assignment without a visit.
    await api.t.sql`delete from job_assignments where state = 'seated' and job_id = ${order.jobId}`;
    await api.t
      .sql`update job_assignments set planned_arrival = null, planned_start = null, planned_end = null, drive_minutes = null, visit_range = null
                     where job_id = ${order.jobId}`;
    // The busy pro also holds the helper's seat's time on another job (a clash the old code could leave).
    await api.t.sql`update job_crew_seats set pro_id = ${busy.userId} where job_id = ${order.jobId} and pro_id = ${helper.userId}`;

    const statements = readFileSync(join(migrationsFolder, '0014_crew_visits.sql'), 'utf8')
      .split('--> statement-breakpoint')
      .map((s) => s.replace(/^(\s*--.*\n)*/, '').trim())
      .filter((s) => s.startsWith('INSERT INTO "job_assignments"') || s.startsWith('DO $$'));
    expect(statements).toHaveLength(2);
    for (const statement of statements) await api.t.sql.unsafe(statement);

    const rows = await api.t.sql<{ pro: string; state: string; start: string | null; id: string; seat: string }[]>`
      select a.pro_id as pro, a.state, a.planned_start::text as start, a.id, s.id as seat
        from job_assignments a join job_crew_seats s on s.job_id = a.job_id and s.pro_id = a.pro_id
       where a.job_id = ${order.jobId} order by s.seat`;
    expect(rows.map((r) => [r.pro, r.state, r.start])).toEqual([
      [lead.userId, 'accepted', '2026-01-19 15:00:00+00'],
      [busy.userId, 'seated', null],
    ]);
    expect(rows[1]?.id).toBe(rows[1]?.seat);
    expect((await audit())[11]).toEqual([expect.objectContaining({ reason: `seat 2 holder ${busy.userId} has no planned visit` })]);
    // Dispatch settles it: the seat goes to a free pro.
    await (await api.caller(await api.admin())).admin.assignSeat({ jobId: order.jobId, seat: 2, proId: helper.userId });
    expect(await audit()).toEqual({ 7: [], 11: [] });
  });

  it('a crew job moved to a time one seat-holder is busy: the whole crew is released, the seats emptied, each pro told', async () => {
    const order = await crewJob('9am - 12pm', '2026-01-20', 1);
    const lead = await api.pro({ name: 'Ada Leads' });
    const helper = await api.pro({ name: 'Bo Helps' });
    await (await api.caller(lead)).jobs.accept({ jobId: order.jobId });
    await (await api.caller(helper)).jobs.accept({ jobId: order.jobId });
    // The helper also holds a four-hour job from 12pm that day.
    const other = await api.paidOrder({ items: [{ sku: 'tv-mount-premium', quantity: 2 }] });
    await (
      await api.caller(null)
    ).schedule.confirm({ sessionId: other.sessionId, date: '2026-01-20', timezone: 'America/Chicago', timeWindow: '12pm - 3pm' });
    await (await api.caller(helper)).jobs.accept({ jobId: other.jobId });

    const moved = await (
      await api.caller(order.customer)
    ).schedule.reschedule({ sessionId: order.sessionId, date: '2026-01-20', timezone: 'America/Chicago', timeWindow: '12pm - 3pm' });
    expect(moved).toMatchObject({ status: 'scheduled', proReleased: true });
    expect((await visitsOf(order.jobId)).map((v) => [v.pro, v.state, v.arrival])).toEqual(
      [lead.userId, helper.userId].sort().map((pro) => [pro, 'released', null]),
    );
    const [job] = await api.t.sql`select status, assigned_pro_id, seats_taken,
                                         (select count(*)::int from job_crew_seats where job_id = ${order.jobId}) as seats
                                    from dispatch_jobs where id = ${order.jobId}`;
    expect(job).toEqual({ status: 'scheduled', assigned_pro_id: null, seats_taken: 0, seats: 0 });
    const released = await api.t.sql<{ data: { proId: string; reason: string; message: string } }[]>`
      select data from job_events where job_id = ${order.jobId} and type = 'released' order by data->>'proId'`;
    expect(released.map((e) => [e.data.proId, e.data.reason])).toEqual(
      [lead.userId, helper.userId].sort().map((pro) => [pro, 'rescheduled-into-busy-window']),
    );
    expect(released[0]!.data.message).toMatch(/crew job .* one of its pros already has a job/);
    // The helper keeps the other job; the crew job's first seat is open again, at the new time.
    expect((await visitsOf(other.jobId)).map((v) => [v.pro, v.state])).toEqual([[helper.userId, 'accepted']]);
    const again = await (await api.caller(await api.pro({ name: 'Cy Leads' }))).jobs.accept({ jobId: order.jobId });
    expect(again.seat).toEqual({ number: 1, of: 2, lead: true });
    expect(await audit()).toEqual({ 7: [], 11: [] });
  });

  it("a reopened crew job holds every seat-holder's time again; a holder who has since taken that time makes the reopen refuse", async () => {
    const admin = await api.caller(await api.admin());
    const order = await crewJob('9am - 12pm', '2026-01-21', 1);
    const [lead, helper] = [await api.pro({ name: 'Ria Leads' }), await api.pro({ name: 'Tom Helps' })];
    await (await api.caller(lead)).jobs.accept({ jobId: order.jobId });
    await (await api.caller(helper)).jobs.accept({ jobId: order.jobId });
    await api.finishVisit(lead, order.jobId);
    expect((await visitsOf(order.jobId)).map((v) => v.state)).toEqual(['completed', 'seat_completed']);
    await admin.admin.moveBack({ jobId: order.jobId, reason: 'The after photos are missing' });
    const reopened = await visitsOf(order.jobId);
    expect(reopened.map((v) => [v.pro, v.state])).toEqual([
      [lead.userId, 'accepted'],
      [helper.userId, 'seated'],
    ]);
    expect(reopened.every((v) => v.arrival !== null)).toBe(true);
    expect(await audit()).toEqual({ 7: [], 11: [] });

    // Done again; the helper then takes another job at that time, so reopening would double-book them.
    const other = await crewJob('9am - 12pm', '2026-01-22', 1);
    const [lead2, helper2] = [await api.pro({ name: 'Uma Leads' }), await api.pro({ name: 'Vic Helps' })];
    await (await api.caller(lead2)).jobs.accept({ jobId: other.jobId });
    await (await api.caller(helper2)).jobs.accept({ jobId: other.jobId });
    await api.finishVisit(lead2, other.jobId);
    const clash = await api.paidOrder({ items: [{ sku: 'tv-mount-premium', quantity: 2 }] });
    await (
      await api.caller(null)
    ).schedule.confirm({ sessionId: clash.sessionId, date: '2026-01-22', timezone: 'America/Chicago', timeWindow: '9am - 12pm' });
    await (await api.caller(helper2)).jobs.accept({ jobId: clash.jobId });
    const refused = await rejection(admin.admin.moveBack({ jobId: other.jobId, reason: 'The after photos are missing' }));
    expect(refused.code).toBe('CONFLICT');
    expect(refused.message).toMatch(/has since taken another job at its time/);
    expect((await visitsOf(other.jobId)).map((v) => v.state)).toEqual(['completed', 'seat_completed']);
    const [job] = await api.t.sql`select status from dispatch_jobs where id = ${other.jobId}`;
    expect(job).toEqual({ status: 'completed' });
  });

  it("a cancelled crew job frees every seat-holder's time", async () => {
    const order = await crewJob('3pm - 6pm', '2026-01-17', 1);
    const lead = await api.pro({ name: 'Noa Leads' });
    const helper = await api.pro({ name: 'Eli Helps' });
    await (await api.caller(lead)).jobs.accept({ jobId: order.jobId });
    await (await api.caller(helper)).jobs.accept({ jobId: order.jobId });
    await (await api.caller(await api.admin())).orders.cancel({ orderId: order.orderId, reason: 'The customer moved out' });
    expect((await visitsOf(order.jobId)).map((v) => v.state)).toEqual(['released', 'released']);
    expect(await audit()).toEqual({ 7: [], 11: [] });
  });
});
