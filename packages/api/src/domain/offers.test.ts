import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, sampleCheckout, type TestApi } from '../test/fixtures';
import { boundingBox } from './offers';

let api: TestApi;
beforeAll(async () => {
  // 10am in Chicago.
  api = await createTestApi({ now: '2026-01-09T16:00:00.000Z' });
});
afterAll(async () => api?.close());

const at = (city: string, state: string, postalCode: string, line1: string) => ({
  serviceAddress: { line1, city, state, postalCode },
});

describe('offers.list', () => {
  it('ranks A (scheduled, due in 2 h, ~6 mi), C (scheduled, due in 48 h, ~11 mi), B (queued, ~51 mi) as A, C, B', async () => {
    const pro = await api.caller(await api.pro({ postalCode: '60601', serviceRadiusMiles: 100 }));
    const anon = await api.caller(null);
    const b = await api.paidOrder(sampleCheckout(at('Kenosha', 'WI', '53140', '5800 7th Ave')));
    const c = await api.paidOrder(sampleCheckout(at('Evanston', 'IL', '60202', '1000 Chicago Ave')));
    const a = await api.paidOrder(sampleCheckout(at('Chicago', 'IL', '60615', '5300 S Lake Park Ave')));
    await anon.schedule.confirm({ sessionId: a.sessionId, date: '2026-01-09', timezone: 'America/Chicago', timeWindow: '12pm - 3pm' });
    await anon.schedule.confirm({ sessionId: c.sessionId, date: '2026-01-11', timezone: 'America/Chicago', timeWindow: '12pm - 3pm' });

    const { offers } = await pro.offers.list();
    const mine = offers.filter((o) => [a.jobId, b.jobId, c.jobId].includes(o.jobId));
    expect(mine.map((o) => o.jobId)).toEqual([a.jobId, c.jobId, b.jobId]);
    const [offerA, offerC, offerB] = mine as [(typeof offers)[number], (typeof offers)[number], (typeof offers)[number]];
    expect(offerA.distanceMiles).toBeCloseTo(5.8, 0);
    expect(offerA.breakdown.map((l) => l.label)).toEqual(
      expect.arrayContaining(['+1000 scheduled', '+500 within 10 mi', '+300 due within 24 h']),
    );
    expect(offerC.status).toBe('scheduled');
    expect(offerB).toMatchObject({ status: 'queued', dueAt: null });
    expect(offerA.score).toBeGreaterThan(offerC.score);
    expect(offerC.score).toBeGreaterThan(offerB.score);
    // Offers never reveal who the customer is or the street address before acceptance.
    expect(JSON.stringify(offers)).not.toMatch(/Lake Park|Avery/);
  });

  it('tells a paused pro with no offers that they are paused (issue 22)', async () => {
    const viewer = await api.pro({ postalCode: '60601', serviceRadiusMiles: 50 });
    await api.paidOrder();
    const pro = await api.caller(viewer);
    expect((await pro.offers.list()).paused).toBeUndefined();
    await (await api.caller(await api.admin())).admin.updatePro({ proId: viewer.userId, active: false });
    const result = await pro.offers.list();
    expect(result).toMatchObject({ offers: [], paused: true });
  });

  it('leaves out jobs outside the radius, taken jobs, and explains an empty list', async () => {
    const near = await api.paidOrder(sampleCheckout(at('Chicago', 'IL', '60614', '2400 N Clark St')));
    const small = await api.caller(await api.pro({ postalCode: '78701', serviceRadiusMiles: 5 }));
    const result = await small.offers.list();
    expect(result.offers).toEqual([]);
    expect(result.openJobsAnywhere).toBeGreaterThan(0);

    const chicago = await api.caller(await api.pro({ postalCode: '60601', serviceRadiusMiles: 10 }));
    expect((await chicago.offers.list()).offers.map((o) => o.jobId)).toContain(near.jobId);
    await chicago.jobs.accept({ jobId: near.jobId });
    expect((await chicago.offers.list()).offers.map((o) => o.jobId)).not.toContain(near.jobId);
  });

  it('uses the location index for its prefilter', async () => {
    // A tiny table may be read sequentially; force the planner to show which index it would use.
    await api.t.sql`set enable_seqscan = off`;
    const [indexed] = await api.t.sql`
      explain (format json) select id from dispatch_jobs
      where status in ('queued', 'scheduled') and assigned_pro_id is null and point(lng, lat) <@ box(point(-88, 41), point(-87, 42))`;
    // The offers query's shape: the radius box, or (widened jobs only) the 1.5x box.
    const [widened] = await api.t.sql`
      explain (format json) select id from dispatch_jobs
      where status in ('queued', 'scheduled') and assigned_pro_id is null
        and (point(lng, lat) <@ box(point(-88, 41), point(-87, 42))
             or (widened_at is not null and point(lng, lat) <@ box(point(-88.5, 40.5), point(-86.5, 42.5))))`;
    await api.t.sql`set enable_seqscan = on`;
    expect(JSON.stringify(indexed)).toContain('dispatch_jobs_open_location_idx');
    // On a big table the planner ORs both partial GiST indexes; on this tiny one it may scan one whole.
    expect(JSON.stringify(widened)).toMatch(/dispatch_jobs_(open|widened)_location_idx/);
  });
});

describe('boundingBox', () => {
  it('contains every point within the radius, at the equator and far north', () => {
    for (const center of [
      { lat: 0, lng: 0 },
      { lat: 47.6, lng: -122.3 },
    ]) {
      const box = boundingBox(center, 50);
      const northEdge = center.lat + 50 / 69.0;
      expect(box.maxLat).toBeGreaterThanOrEqual(northEdge);
      expect(box.maxLng - center.lng).toBeGreaterThanOrEqual(50 / (69.17 * Math.cos((center.lat * Math.PI) / 180)) - 1e-9);
    }
  });
});

describe("offers follow the pro's hours, skills and the widening step", () => {
  it('shows scheduled jobs only inside working hours and not on days off; queued jobs to everyone, marked', async () => {
    const anon = await api.caller(null);
    const [morning, evening, queued] = [await api.paidOrder(), await api.paidOrder(), await api.paidOrder()];
    // Thursday 2026-01-22 and Friday 2026-01-23, Chicago.
    await anon.schedule.confirm({
      sessionId: morning.sessionId,
      date: '2026-01-22',
      timezone: 'America/Chicago',
      timeWindow: '9am - 12pm',
    });
    await anon.schedule.confirm({ sessionId: evening.sessionId, date: '2026-01-23', timezone: 'America/Chicago', timeWindow: '3pm - 6pm' });
    const pro = await api.pro({ postalCode: '60601', serviceRadiusMiles: 25 });
    const caller = await api.caller(pro);
    const ids = async () =>
      (await caller.offers.list()).offers.filter((o) => [morning.jobId, evening.jobId, queued.jobId].includes(o.jobId));

    expect((await ids()).map((o) => o.jobId).sort()).toEqual([morning.jobId, evening.jobId, queued.jobId].sort());
    // Afternoons only on Thursday, Friday off, nothing else.
    const availability = await caller.pros.setAvailability({
      hours: [{ weekday: 4, startsAt: '12:00', endsAt: '18:00' }],
      daysOff: ['2026-01-23'],
    });
    expect(availability).toMatchObject({
      timezone: 'America/Chicago',
      hours: [{ weekday: 4, startsAt: '12:00', endsAt: '18:00' }],
      daysOff: ['2026-01-23'],
    });
    const after = await ids();
    expect(after.map((o) => o.jobId)).toEqual([queued.jobId]);
    expect(after[0]).toMatchObject({ status: 'queued', awaitingSchedule: true });

    // An admin sees and edits the same hours; another pro cannot.
    const admin = await api.caller(await api.admin());
    expect(await admin.pros.availability({ proId: pro.userId })).toEqual(availability);
    await admin.pros.setAvailability({ proId: pro.userId, hours: [{ weekday: 4, startsAt: '08:00', endsAt: '12:00' }], daysOff: [] });
    expect((await ids()).map((o) => o.jobId).sort()).toEqual([morning.jobId, queued.jobId].sort());
    const stranger = await api.caller(await api.pro());
    await expect(stranger.pros.availability({ proId: pro.userId })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      caller.pros.setAvailability({ hours: [{ weekday: 1, startsAt: '18:00', endsAt: '09:00' }], daysOff: [] }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('a widened job reaches pros up to 1.5x their radius, labelled "outside your usual area"', async () => {
    // Evanston is ~11 mi from downtown Chicago: outside a 10 mi radius, inside 15 mi.
    const order = await api.paidOrder(sampleCheckout(at('Evanston', 'IL', '60202', '1000 Chicago Ave')));
    const pro = await api.caller(await api.pro({ postalCode: '60601', serviceRadiusMiles: 10 }));
    expect((await pro.offers.list()).offers.map((o) => o.jobId)).not.toContain(order.jobId);
    await expect(pro.jobs.accept({ jobId: order.jobId })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await api.t.sql`update dispatch_jobs set widened_at = now() where id = ${order.jobId}`;
    const offer = (await pro.offers.list()).offers.find((o) => o.jobId === order.jobId);
    expect(offer).toMatchObject({ outsideUsualArea: true });
    await expect(pro.jobs.accept({ jobId: order.jobId })).resolves.toMatchObject({ state: 'accepted' });
  });
});
