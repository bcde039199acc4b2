import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../test/fixtures';
import { windowStartUtc } from './schedule';

describe('windowStartUtc: the window start, local wall time to UTC', () => {
  it('turns 12pm in Chicago on 2026-01-15 into 18:00Z (CST, UTC-6)', () => {
    expect(windowStartUtc('2026-01-15', 'America/Chicago', '12pm - 3pm').toISOString()).toBe('2026-01-15T18:00:00.000Z');
  });

  it('follows daylight saving time on both sides of the change', () => {
    // US DST 2026: starts 2026-03-08, ends 2026-11-01.
    expect(windowStartUtc('2026-03-07', 'America/Chicago', '9am - 12pm').toISOString()).toBe('2026-03-07T15:00:00.000Z');
    expect(windowStartUtc('2026-03-08', 'America/Chicago', '9am - 12pm').toISOString()).toBe('2026-03-08T14:00:00.000Z');
    expect(windowStartUtc('2026-10-31', 'America/New_York', '3pm - 6pm').toISOString()).toBe('2026-10-31T19:00:00.000Z');
    expect(windowStartUtc('2026-11-01', 'America/New_York', '3pm - 6pm').toISOString()).toBe('2026-11-01T20:00:00.000Z');
  });

  it('handles zones without DST and half-hour offsets', () => {
    expect(windowStartUtc('2026-07-01', 'America/Phoenix', '9am - 12pm').toISOString()).toBe('2026-07-01T16:00:00.000Z');
    expect(windowStartUtc('2026-01-15', 'Asia/Kolkata', '9am - 12pm').toISOString()).toBe('2026-01-15T03:30:00.000Z');
    expect(windowStartUtc('2026-01-15', 'America/St_Johns', '12pm - 3pm').toISOString()).toBe('2026-01-15T15:30:00.000Z');
  });
});

describe('schedule.confirm and schedule.reschedule', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi({ now: '2026-01-09T15:00:00.000Z' });
  });
  afterAll(async () => api?.close());

  it('schedules 2026-01-15 "12pm - 3pm" in Chicago at 18:00Z, and the pro sees it at once', async () => {
    const pro = await api.pro({ postalCode: '60601', serviceRadiusMiles: 40 });
    const order = await api.paidOrder();
    const anon = await api.caller(null);
    const result = await anon.schedule.confirm({
      sessionId: order.sessionId,
      date: '2026-01-15',
      timezone: 'America/Chicago',
      timeWindow: '12pm - 3pm',
    });
    expect(result).toEqual({ orderId: order.orderId, jobId: order.jobId, status: 'scheduled', dueAt: '2026-01-15T18:00:00.000Z' });

    const { offers } = await (await api.caller(pro)).offers.list();
    const offer = offers.find((o) => o.jobId === order.jobId);
    expect(offer).toMatchObject({ status: 'scheduled', dueAt: '2026-01-15T18:00:00.000Z', timeWindow: '12pm - 3pm' });
    expect(offer?.breakdown.map((b) => b.rule)).toContain('status');

    const [job] = await api.t
      .sql`select status, extract(epoch from due_at)::bigint * 1000 as due_ms from dispatch_jobs where id = ${order.jobId}`;
    expect(job).toMatchObject({ status: 'scheduled', due_ms: String(Date.parse('2026-01-15T18:00:00.000Z')) });
    const [ord] = await api.t
      .sql`select schedule_date::text as date, schedule_time_window, schedule_timezone from orders where id = ${order.orderId}`;
    expect(ord).toEqual({ date: '2026-01-15', schedule_time_window: '12pm - 3pm', schedule_timezone: 'America/Chicago' });
  });

  it('refuses bad slots with the field that is wrong, and writes nothing', async () => {
    const order = await api.paidOrder();
    const anon = await api.caller(null);
    const slot = { sessionId: order.sessionId, date: '2026-01-15', timezone: 'America/Chicago', timeWindow: '12pm - 3pm' as const };
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ timezone: 'Mars/Olympus_Mons' }, 'timezone', /Unknown timezone/],
      [{ date: '2026-02-30' }, 'date', /not a calendar date/],
      [{ date: '15/01/2026' }, 'date', /2026-01-15/],
      [{ date: '2026-01-08' }, 'date', /in the past/],
      [{ date: '2026-04-20' }, 'date', /within the next 90 days/],
      [{ timeWindow: '6pm - 9pm' }, 'timeWindow', /Time window must be one of/],
      [{ date: '2026-01-09', timeWindow: '9am - 12pm' }, 'timeWindow', /already started/],
    ];
    for (const [change, field, message] of cases) {
      const error = await anon.schedule.confirm({ ...slot, ...change } as typeof slot).catch((e: unknown) => e);
      expect(error, JSON.stringify(change)).toMatchObject({ code: 'BAD_REQUEST' });
      expect((error as Error).message, field).toMatch(message);
    }
    const [job] = await api.t.sql`select status, due_at from dispatch_jobs where id = ${order.jobId}`;
    expect(job).toEqual({ status: 'queued', due_at: null });
  });

  it('refuses an unpaid order, a completed job, and an unknown session', async () => {
    const anon = await api.caller(null);
    const pending = await anon.checkout.create({
      items: [{ sku: 'wifi-mesh', quantity: 1 }],
      customer: { name: 'Pat Pending', email: 'pending@example.com', phone: '312-555-0100' },
      serviceAddress: { line1: '1 Main St', city: 'Chicago', state: 'IL', postalCode: '60601' },
    });
    const slot = { date: '2026-01-15', timezone: 'America/Chicago', timeWindow: '12pm - 3pm' as const };
    await expect(anon.schedule.confirm({ sessionId: pending.sessionId, ...slot })).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(anon.schedule.confirm({ sessionId: 'cs_test_nobody_has_this', ...slot })).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const done = await api.paidOrder();
    const pro = await api.pro();
    await (await api.caller(pro)).jobs.accept({ jobId: done.jobId });
    await api.finishVisit(pro, done.jobId);
    await expect(anon.schedule.confirm({ sessionId: done.sessionId, ...slot })).rejects.toThrow(/completed/);
  });

  it('reschedules an accepted job: it keeps its pro, moves due_at, and records the change', async () => {
    const order = await api.paidOrder();
    const pro = await api.pro();
    await (
      await api.caller(null)
    ).schedule.confirm({ sessionId: order.sessionId, date: '2026-01-15', timezone: 'America/Chicago', timeWindow: '9am - 12pm' });
    await (await api.caller(pro)).jobs.accept({ jobId: order.jobId });

    const customer = await api.caller(order.customer);
    const moved = await customer.schedule.reschedule({
      sessionId: order.sessionId,
      date: '2026-01-20',
      timezone: 'America/Chicago',
      timeWindow: '3pm - 6pm',
    });
    expect(moved.dueAt).toBe('2026-01-20T21:00:00.000Z');
    const [job] = await api.t
      .sql`select status, assigned_pro_id, extract(epoch from due_at)::bigint * 1000 as due_ms from dispatch_jobs where id = ${order.jobId}`;
    expect(job).toEqual({ status: 'accepted', assigned_pro_id: pro.userId, due_ms: String(Date.parse('2026-01-20T21:00:00.000Z')) });
    const events = await api.t.sql`select type, actor_role, data from job_events where job_id = ${order.jobId} order by id`;
    expect(events.map((e) => e.type)).toEqual(['created', 'scheduled', 'accepted', 'rescheduled']);
    expect(events[3]).toMatchObject({ actor_role: 'customer', data: { previous: { date: '2026-01-15', timeWindow: '9am - 12pm' } } });

    const { upcoming } = await (await api.caller(pro)).jobs.mine();
    expect(upcoming.find((j) => j.jobId === order.jobId)?.dueAt).toBe('2026-01-20T21:00:00.000Z');
  });

  it("lets only the order's own customer reschedule", async () => {
    const order = await api.paidOrder();
    const other = await api.paidOrder();
    const slot = { sessionId: order.sessionId, date: '2026-01-16', timezone: 'America/Chicago', timeWindow: '9am - 12pm' as const };
    await expect((await api.caller(other.customer)).schedule.reschedule(slot)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect((await api.caller(null)).schedule.reschedule(slot)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect((await api.caller(await api.pro())).schedule.reschedule(slot)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('the reschedule policy', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi({ now: '2026-01-09T15:00:00.000Z' });
  });
  afterAll(async () => api?.close());

  const slot = (date: string, timeWindow: '9am - 12pm' | '12pm - 3pm' | '3pm - 6pm' = '12pm - 3pm') => ({
    date,
    timezone: 'America/Chicago',
    timeWindow,
  });

  it('lets a customer reschedule 3 times, then says how to reach dispatch; admins may always', async () => {
    const order = await api.paidOrder();
    const anon = await api.caller(null);
    await anon.schedule.confirm({ sessionId: order.sessionId, ...slot('2026-01-20') });
    const customer = await api.caller(order.customer);
    for (const date of ['2026-01-21', '2026-01-22', '2026-01-23'])
      await customer.schedule.reschedule({ sessionId: order.sessionId, ...slot(date) });
    await expect(customer.schedule.reschedule({ sessionId: order.sessionId, ...slot('2026-01-26') })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/already been rescheduled 3 times.*call dispatch/),
    });
    const admin = await api.caller(await api.admin());
    await expect(admin.admin.reschedule({ orderId: order.orderId, ...slot('2026-01-26') })).resolves.toMatchObject({
      dueAt: '2026-01-26T18:00:00.000Z',
    });
  });

  it('refuses a customer reschedule inside the 24 h cutoff with the policy; an admin reschedule goes through', async () => {
    const order = await api.paidOrder();
    // Saturday 2026-01-10 noon Chicago (18:00Z); at 20:00Z on Friday that is 22 h away.
    await (await api.caller(null)).schedule.confirm({ sessionId: order.sessionId, ...slot('2026-01-10') });
    api.clock.set('2026-01-09T20:00:00.000Z');
    const customer = await api.caller(order.customer);
    await expect(customer.schedule.reschedule({ sessionId: order.sessionId, ...slot('2026-01-14') })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/until 24 hours before the window starts.*call dispatch/),
    });
    const admin = await api.caller(await api.admin());
    await expect(admin.admin.reschedule({ orderId: order.orderId, ...slot('2026-01-14') })).resolves.toMatchObject({
      dueAt: '2026-01-14T18:00:00.000Z',
    });
    api.clock.set('2026-01-09T15:00:00.000Z');
  });

  it('refuses a customer reschedule once the pro is on the way, pointing to dispatch; an admin may still move it', async () => {
    const order = await api.paidOrder();
    await (await api.caller(null)).schedule.confirm({ sessionId: order.sessionId, ...slot('2026-01-20') });
    const pro = await api.pro({ postalCode: '60601' });
    const proApi = await api.caller(pro);
    await proApi.jobs.accept({ jobId: order.jobId });
    await proApi.jobs.depart({ jobId: order.jobId });
    const customer = await api.caller(order.customer);
    await expect(customer.schedule.reschedule({ sessionId: order.sessionId, ...slot('2026-01-21') })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/already on the way.*call dispatch/),
    });
    const [job] = await api.t.sql<
      { due_at: string }[]
    >`select to_json(due_at) #>> '{}' as due_at from dispatch_jobs where id = ${order.jobId}`;
    expect(new Date(job!.due_at).toISOString()).toBe('2026-01-20T18:00:00.000Z');
    const admin = await api.caller(await api.admin());
    await expect(admin.admin.reschedule({ orderId: order.orderId, ...slot('2026-01-21') })).resolves.toMatchObject({
      dueAt: '2026-01-21T18:00:00.000Z',
    });
  });

  it('a reschedule into a window where the pro is busy succeeds: the job goes back to offers and the pro is told', async () => {
    // The other job takes four hours (two premium mounts): 12pm to 4pm, so no room in the 12pm - 3pm window.
    const [mine, other] = [await api.paidOrder(), await api.paidOrder({ items: [{ sku: 'tv-mount-premium', quantity: 2 }] })];
    const anon = await api.caller(null);
    await anon.schedule.confirm({ sessionId: mine.sessionId, ...slot('2026-01-27', '9am - 12pm') });
    await anon.schedule.confirm({ sessionId: other.sessionId, ...slot('2026-01-27', '12pm - 3pm') });
    const pro = await api.pro();
    const proCaller = await api.caller(pro);
    await proCaller.jobs.accept({ jobId: mine.jobId });
    await proCaller.jobs.accept({ jobId: other.jobId });

    // Moving to a free time keeps the pro, and the assignment's window follows.
    const customer = await api.caller(mine.customer);
    const kept = await customer.schedule.reschedule({ sessionId: mine.sessionId, ...slot('2026-01-27', '3pm - 6pm') });
    expect(kept.proReleased).toBeUndefined();
    const [window] = await api.t
      .sql`select lower(window_range) = '2026-01-27T21:00:00Z'::timestamptz as follows from job_assignments where job_id = ${mine.jobId} and state = 'accepted'`;
    expect(window).toEqual({ follows: true });

    // Moving onto the pro's other job: the customer's change stands, the pro is released.
    const moved = await customer.schedule.reschedule({ sessionId: mine.sessionId, ...slot('2026-01-27', '12pm - 3pm') });
    expect(moved).toMatchObject({ status: 'scheduled', dueAt: '2026-01-27T18:00:00.000Z', proReleased: true });
    const [job] = await api.t.sql`select status, assigned_pro_id, widened_at from dispatch_jobs where id = ${mine.jobId}`;
    expect(job).toEqual({ status: 'scheduled', assigned_pro_id: null, widened_at: null });
    const [released] = await api.t.sql`select data from job_events where job_id = ${mine.jobId} and type = 'released'`;
    expect(released!.data).toMatchObject({ proId: pro.userId, reason: 'rescheduled-into-busy-window' });
    expect((await proCaller.jobs.mine()).upcoming.map((j) => j.jobId)).toEqual([other.jobId]);
    const [timer] = await api.t.sql`select 1 from graphile_worker.jobs where key = ${'offers:widen:' + mine.jobId}`;
    expect(timer).toBeDefined();
    // Another pro can take it at the new time.
    await expect((await api.caller(await api.pro())).jobs.accept({ jobId: mine.jobId })).resolves.toMatchObject({ state: 'accepted' });
  });
});
