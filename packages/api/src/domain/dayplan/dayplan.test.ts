import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COVERAGE_PRO_EMAIL, createTestApi, type TestApi } from '../../test/fixtures';
import { afterPhotoForm } from '../../test/images';
import { offerRanking, ROUTE_AWARE_FRESH_MAX_ADDED_MINUTES } from '../policy';
import { trackingToken } from '../tracking';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(async () => api?.close());

type Window = '9am - 12pm' | '12pm - 3pm' | '3pm - 6pm';
const schedule = async (sessionId: string, date: string, timeWindow: Window) =>
  (await api.caller(null)).schedule.confirm({ sessionId, date, timezone: 'America/Chicago', timeWindow });
const evanston = { serviceAddress: { line1: '1603 Orrington Ave', city: 'Evanston', state: 'IL', postalCode: '60201' } };
const loop = { serviceAddress: { line1: '233 S Wacker Dr', city: 'Chicago', state: 'IL', postalCode: '60606' } };
const chicagoTime = (iso: string) =>
  new Intl.DateTimeFormat('en-US', { timeZone: 'America/Chicago', hour: 'numeric', minute: '2-digit' }).format(new Date(iso));

describe('admin.planDay and applying a plan', () => {
  it('proposes routes (held jobs pinned, leftovers with reasons), assigns nothing until applied, then applies through admin.assign', async () => {
    const date = '2026-01-21';
    const held = await api.paidOrder();
    const open = [await api.paidOrder(evanston), await api.paidOrder(loop), await api.paidOrder(evanston)];
    const cameras = await api.paidOrder({ items: [{ sku: 'security-camera-4', quantity: 1 }] });
    await schedule(held.sessionId, date, '9am - 12pm');
    for (const [i, o] of open.entries()) await schedule(o.sessionId, date, (['9am - 12pm', '12pm - 3pm', '3pm - 6pm'] as const)[i]!);
    await schedule(cameras.sessionId, date, '12pm - 3pm');
    // The fixture's every-skill pro let checkout take the orders; paused, the plan has only the pros below.
    await api.t.sql`update pros set active = false where user_id = (select id from users where email = ${COVERAGE_PRO_EMAIL})`;
    const holder = await api.pro({ skills: ['wall-mount', 'smart-home'] });
    const other = await api.pro({ skills: ['wall-mount'] });
    await (await api.caller(holder)).jobs.accept({ jobId: held.jobId });
    const admin = await api.caller(await api.admin());

    const plan = await admin.admin.planDay({ date, timezone: 'America/Chicago' });

    const placed = plan.routes.flatMap((r) => r.stops.map((s) => ({ ...s, proId: r.proId })));
    expect(placed.find((s) => s.jobId === held.jobId)).toMatchObject({ proId: holder.userId, pinned: true });
    for (const o of open) expect(placed.map((s) => s.jobId)).toContain(o.jobId);
    // No pro in reach has the cameras skill: listed with the reason, not dropped.
    expect(plan.unassigned).toEqual([expect.objectContaining({ jobId: cameras.jobId, code: 'no-skills', reason: expect.any(String) })]);
    for (const route of plan.routes) {
      for (const stop of route.stops) {
        expect(stop.start >= stop.windowStart).toBe(true);
        expect(new Date(stop.start).getTime() - new Date(stop.windowStart).getTime()).toBeLessThanOrEqual(3 * 3_600_000);
      }
      // The route's driving includes the way home after the last stop.
      expect(route.driveMinutes).toBeGreaterThanOrEqual(route.stops.reduce((sum, s) => sum + s.driveMinutes, 0));
    }
    expect(plan.totals.driveMinutes).toBeGreaterThan(0);
    // A proposal only: nothing assigned yet.
    const unassignedNow = await api.t
      .sql`select id from dispatch_jobs where id in ${api.t.sql(open.map((o) => o.jobId))} and assigned_pro_id is null`;
    expect(unassignedNow).toHaveLength(3);

    const placements = plan.routes.flatMap((r) => r.stops.filter((s) => !s.pinned).map((s) => ({ jobId: s.jobId, proId: r.proId })));
    const applied = await admin.admin.applyPlan({ placements });
    expect(applied).toMatchObject({ applied: 3, refused: 0 });
    for (const p of placements) {
      const [job] = await api.t.sql`select assigned_pro_id, status from dispatch_jobs where id = ${p.jobId}`;
      expect(job).toEqual({ assigned_pro_id: p.proId, status: 'accepted' });
      // The same audit and notification as a manual assign.
      const events = await api.t.sql`select type, actor_role from job_events where job_id = ${p.jobId} and type = 'assigned'`;
      expect(events).toEqual([{ type: 'assigned', actor_role: 'admin' }]);
      const mail = await api.t.sql`select 1 from email_notifications where job_id = ${p.jobId} and kind = 'pro_assigned'`;
      expect(mail).toHaveLength(1);
    }
    // Applying again: each placement is already held, the same assignment comes back.
    expect(await admin.admin.applyPlan({ placements })).toMatchObject({ applied: 3, refused: 0 });
    expect(await admin.admin.planDay({ date, timezone: 'America/Chicago' })).toMatchObject({
      routes: expect.arrayContaining([expect.objectContaining({ proId: other.userId })]),
    });
  });

  it('refuses a bad date or time zone naming the field, and is for admins only', async () => {
    const admin = await api.caller(await api.admin());
    await expect(admin.admin.planDay({ date: '21/01/2026', timezone: 'America/Chicago' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(admin.admin.planDay({ date: '2026-01-21', timezone: 'Mars/Olympus' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('time zone'),
    });
    const pro = await api.caller(await api.pro());
    await expect(pro.admin.planDay({ date: '2026-01-21', timezone: 'America/Chicago' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe("jobs.myDay and the customer's ETA", () => {
  it('lists the day in route order, the next stop first, and moves later ETAs when a stop runs late', async () => {
    const date = '2026-01-22';
    const [late, early, middle] = [await api.paidOrder(), await api.paidOrder(evanston), await api.paidOrder()];
    await schedule(late.sessionId, date, '3pm - 6pm');
    await schedule(early.sessionId, date, '9am - 12pm');
    await schedule(middle.sessionId, date, '12pm - 3pm');
    const pro = await api.pro();
    const caller = await api.caller(pro);
    for (const o of [late, early, middle]) await caller.jobs.accept({ jobId: o.jobId });

    const day = await caller.jobs.myDay({ date });
    expect(day.stops.map((s) => s.jobId)).toEqual([early.jobId, middle.jobId, late.jobId]);
    expect(day.stops.map((s) => chicagoTime(s.plannedArrival))).toEqual(['9:00 AM', '12:00 PM', '3:00 PM']);
    expect(day.stops[0]!.driveMinutes).toBeGreaterThan(0); // home in the Loop to Evanston
    expect(day.stops[1]!.driveMinutes).toBe(day.stops[0]!.driveMinutes); // and back
    expect(day.driveMinutes).toBe(day.stops.reduce((sum, s) => sum + s.driveMinutes, 0));

    // The first visit starts, runs long: at 12:30 it is still going, so the next stop is expected later.
    api.clock.set('2026-01-22T15:00:00Z');
    await caller.jobs.depart({ jobId: early.jobId });
    await caller.jobs.start({ jobId: early.jobId });
    api.clock.set('2026-01-22T18:30:00Z');
    const running = await caller.jobs.myDay({ date });
    expect(running.stops[0]).toMatchObject({ jobId: early.jobId, status: 'in_progress' });
    const next = running.stops[1]!;
    expect(next.jobId).toBe(middle.jobId);
    expect(next.lateMinutes).toBe(30 + next.driveMinutes);

    // Finished: it moves to completed, the next stop is first; on the way, the customer sees the ETA.
    await caller.uploads.create(afterPhotoForm(early.jobId));
    await caller.jobs.complete({ jobId: early.jobId });
    await caller.jobs.depart({ jobId: middle.jobId });
    const after = await caller.jobs.myDay({ date });
    expect(after.stops.map((s) => s.jobId)).toEqual([middle.jobId, late.jobId]);
    expect(after.completed.map((s) => s.jobId)).toEqual([early.jobId]);
    const tracking = await (await api.caller(null)).tracking.get({ token: trackingToken(api.server.deps, middle.orderId, 1) });
    expect(tracking.status).toBe('en_route');
    expect(tracking.eta).toEqual({ at: after.stops[0]!.eta, lateMinutes: after.stops[0]!.lateMinutes });
    expect(new Date(tracking.eta!.at).getTime()).toBe(new Date('2026-01-22T18:30:00Z').getTime() + after.stops[0]!.driveMinutes * 60_000);
    api.clock.set('2026-01-09T15:00:00.000Z');
  });
});

describe('offers.list through the pro’s day', () => {
  it('says what a job does to the day, and ranks by added driving under DISPATCH_POLICY=route-aware', async () => {
    const date = '2026-01-23';
    const [anchor, sameStreet, nearHome] = [await api.paidOrder(evanston), await api.paidOrder(evanston), await api.paidOrder(loop)];
    await schedule(anchor.sessionId, date, '9am - 12pm');
    await schedule(sameStreet.sessionId, date, '12pm - 3pm');
    await schedule(nearHome.sessionId, '2026-01-24', '12pm - 3pm');
    const pro = await api.pro({ serviceRadiusMiles: 30 });
    const caller = await api.caller(pro);
    await caller.jobs.accept({ jobId: anchor.jobId });

    const seed = (await caller.offers.list()).offers.map((o) => o.jobId);
    const same = (await caller.offers.list()).offers.find((o) => o.jobId === sameStreet.jobId)!;
    expect(same.day).toMatchObject({ addedDriveMinutes: 0 });
    expect(same.day!.summary).toMatch(/^adds 0 min of driving to Friday; fits between 10:00 AM and 6:00 PM$/);
    const near = (await caller.offers.list()).offers.find((o) => o.jobId === nearHome.jobId)!;
    expect(near.day!.addedDriveMinutes).toBeGreaterThan(0);

    process.env.DISPATCH_POLICY = 'route-aware';
    try {
      const routeAware = (await caller.offers.list()).offers.map((o) => o.jobId);
      expect(routeAware.indexOf(sameStreet.jobId)).toBeLessThan(routeAware.indexOf(nearHome.jobId));
      expect(new Set(routeAware)).toEqual(new Set(seed));
    } finally {
      delete process.env.DISPATCH_POLICY;
    }
    // The seed policy keeps the scoring package's order: the nearer job first.
    expect(seed.indexOf(nearHome.jobId)).toBeLessThan(seed.indexOf(sameStreet.jobId));
    expect(() => offerRanking({ DISPATCH_POLICY: 'fastest' })).toThrow(/DISPATCH_POLICY: "fastest" is not one of seed, route-aware/);
  });

  it('route-aware: a job that adds more than 30 min of driving waits for the pros it suits until it widens', async () => {
    const date = '2026-01-27';
    const naperville = { serviceAddress: { line1: '400 S Eagle St', city: 'Naperville', state: 'IL', postalCode: '60540' } };
    const [far, near] = [await api.paidOrder(naperville), await api.paidOrder(loop)];
    await schedule(far.sessionId, date, '12pm - 3pm');
    await schedule(near.sessionId, date, '9am - 12pm');
    const pro = await api.pro({ serviceRadiusMiles: 40 });
    const caller = await api.caller(pro);
    const seed = (await caller.offers.list()).offers;
    const farOffer = seed.find((o) => o.jobId === far.jobId)!;
    expect(farOffer.day!.addedDriveMinutes).toBeGreaterThan(ROUTE_AWARE_FRESH_MAX_ADDED_MINUTES);
    expect(seed.find((o) => o.jobId === near.jobId)!.day!.addedDriveMinutes).toBeLessThanOrEqual(ROUTE_AWARE_FRESH_MAX_ADDED_MINUTES);
    process.env.DISPATCH_POLICY = 'route-aware';
    try {
      const fresh = (await caller.offers.list()).offers.map((o) => o.jobId);
      expect(fresh).toContain(near.jobId);
      expect(fresh).not.toContain(far.jobId);
      await api.t.sql`update dispatch_jobs set widened_at = now() where id = ${far.jobId}`;
      const widened = (await caller.offers.list()).offers;
      expect(widened.find((o) => o.jobId === far.jobId)?.day).toEqual(farOffer.day);
    } finally {
      delete process.env.DISPATCH_POLICY;
    }
  });

  it('returns the best page of 50 with a cursor to the next', async () => {
    const pro = await api.pro({ postalCode: '85004', serviceRadiusMiles: 20 });
    const phoenix = { serviceAddress: { line1: '200 W Washington St', city: 'Phoenix', state: 'AZ', postalCode: '85003' } };
    for (let i = 0; i < 120; i++) await api.paidOrder(phoenix);
    const caller = await api.caller(pro);
    const first = await caller.offers.list();
    expect(first.offers).toHaveLength(50);
    expect(first.nextCursor).toBe('50');
    const second = await caller.offers.list({ cursor: first.nextCursor });
    const third = await caller.offers.list({ cursor: second.nextCursor });
    expect(second.offers).toHaveLength(50);
    expect(third.offers).toHaveLength(20);
    expect(third.nextCursor).toBeUndefined();
    const all = [...first.offers, ...second.offers, ...third.offers].map((o) => o.jobId);
    expect(new Set(all).size).toBe(120);
    await expect(caller.offers.list({ cursor: 'abc' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  }, 120_000);
});
