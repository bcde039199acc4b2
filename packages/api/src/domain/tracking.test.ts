import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../test/fixtures';
import { afterPhotoForm } from '../test/images';
import { trackingToken } from './tracking';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(async () => api?.close());

const tokenOf = (orderId: string, version = 1) => trackingToken(api.server.deps, orderId, version);

describe('tracking.get', () => {
  it('is linked from the account page for paid orders', async () => {
    const order = await api.paidOrder();
    const { orders } = await (await api.caller(order.customer)).account.orders();
    const path = orders.find((o) => o.orderId === order.orderId)?.trackingPath;
    expect(path).toBe(`/track/${tokenOf(order.orderId)}`);
    expect((await (await api.caller(null)).tracking.get({ token: path!.slice('/track/'.length) })).status).toBe('queued');
  });

  it("follows the visit step by step, with the window at the home and the pro's first name only", async () => {
    const order = await api.paidOrder({
      serviceAddress: { line1: '1 Secret Garden Ln', city: 'Chicago', state: 'IL', postalCode: '60601' },
    });
    const anon = await api.caller(null);
    const token = tokenOf(order.orderId);
    const booked = await anon.tracking.get({ token });
    expect(booked).toMatchObject({ status: 'queued', window: null, proFirstName: null });
    expect(booked.timeline.map((s) => [s.step, s.done])).toEqual([
      ['booked', true],
      ['scheduled', false],
      ['assigned', false],
      ['en_route', false],
      ['in_progress', false],
      ['completed', false],
    ]);

    await anon.schedule.confirm({ sessionId: order.sessionId, date: '2026-01-15', timezone: 'America/Chicago', timeWindow: '12pm - 3pm' });
    const pro = await api.pro({ name: 'Priya Natarajan' });
    await (await api.caller(pro)).jobs.accept({ jobId: order.jobId });
    await (await api.caller(pro)).jobs.depart({ jobId: order.jobId });
    const onTheWay = await anon.tracking.get({ token });
    expect(onTheWay).toMatchObject({
      status: 'en_route',
      proFirstName: 'Priya',
      window: {
        date: '2026-01-15',
        timeWindow: '12pm - 3pm',
        timezone: 'America/Chicago',
        startsAt: '2026-01-15T18:00:00.000Z',
        label: 'Thu, Jan 15, 12pm–3pm at the home',
      },
    });
    expect(onTheWay.timeline.filter((s) => s.done).map((s) => s.step)).toEqual(['booked', 'scheduled', 'assigned', 'en_route']);
    expect(onTheWay.timeline.find((s) => s.current)?.step).toBe('en_route');
    expect(onTheWay.timeline.find((s) => s.step === 'assigned')?.label).toBe('Priya is your pro');

    await api.finishVisit(pro, order.jobId);
    const done = await anon.tracking.get({ token });
    expect(done.status).toBe('completed');
    expect(done.afterPhotos).toHaveLength(1);
    // What the page must never show.
    const text = JSON.stringify(done);
    expect(text).not.toContain('Secret Garden');
    expect(text).not.toContain('Natarajan');
    expect(text).not.toContain(order.customer.email!);
  });

  it("shows a window booked from another zone at the home, and the pro's notes once done (issue 22)", async () => {
    const order = await api.paidOrder();
    const anon = await api.caller(null);
    await anon.schedule.confirm({ sessionId: order.sessionId, date: '2026-01-15', timezone: 'America/New_York', timeWindow: '12pm - 3pm' });
    const token = tokenOf(order.orderId);
    expect((await anon.tracking.get({ token })).window?.label).toBe('Thu, Jan 15, 11am–2pm at the home');
    const pro = await api.pro();
    const c = await api.caller(pro);
    await c.jobs.accept({ jobId: order.jobId });
    await c.jobs.depart({ jobId: order.jobId });
    await c.jobs.start({ jobId: order.jobId });
    await c.uploads.create(afterPhotoForm(order.jobId));
    await c.jobs.complete({ jobId: order.jobId, notes: 'Left the spare bolts in the kitchen drawer.' });
    expect((await anon.tracking.get({ token })).completionNotes).toBe('Left the spare bolts in the kitchen drawer.');
    const [mail] = await api.t.sql`select data from email_notifications where idempotency_key like ${`completed:${order.jobId}:%`}`;
    expect(mail?.data).toMatchObject({ notes: 'Left the spare bolts in the kitchen drawer.' });
    const { orders } = await (await api.caller(order.customer)).account.orders();
    expect(orders.find((o) => o.orderId === order.orderId)?.completionNotes).toBe('Left the spare bolts in the kitchen drawer.');
  });

  it('says a cancelled visit is cancelled, when, and what is refunded (issue 22)', async () => {
    const order = await api.paidOrder();
    const anon = await api.caller(null);
    const admin = await api.caller(await api.admin());
    await admin.orders.cancel({ orderId: order.orderId, reason: 'Customer moved' });
    const tracking = await anon.tracking.get({ token: tokenOf(order.orderId) });
    expect(tracking.status).toBe('cancelled');
    expect(tracking.cancellation).toEqual({
      at: api.clock.now().toISOString(),
      reason: 'Customer moved',
      refundCents: 14900,
      refundStatus: 'pending',
    });
  });

  it("refuses forged, mangled and revoked tokens alike, and the revoked link's successor works", async () => {
    const order = await api.paidOrder();
    const anon = await api.caller(null);
    const token = tokenOf(order.orderId);
    const [orderId, version, mac] = token.split('.') as [string, string, string];
    const other = await api.paidOrder();
    const forged = [
      `${other.orderId}.${version}.${mac}`,
      `${orderId}.2.${mac}`,
      `${orderId}.${version}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`,
      orderId,
      '',
      `${token}x`,
    ];
    for (const bad of forged) await expect(anon.tracking.get({ token: bad })).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const admin = await api.caller(await api.admin());
    expect(await admin.admin.revokeTracking({ orderId })).toEqual({ orderId, trackingVersion: 2 });
    await expect(anon.tracking.get({ token })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await anon.tracking.get({ token: tokenOf(orderId, 2) })).status).toBe('queued');
    await expect(anon.admin.revokeTracking({ orderId })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('orders.bySession carries the tracking link for the success page', async () => {
    const order = await api.paidOrder();
    const view = await (await api.caller(null)).orders.bySession({ sessionId: order.sessionId });
    expect(view.trackingPath).toBe(`/track/${tokenOf(order.orderId)}`);
  });
});

describe('tracking.changes', () => {
  it("ticks for this order's job only, as the pro takes each step", async () => {
    const order = await api.paidOrder();
    const unrelated = await api.paidOrder();
    const pro = await api.pro();
    const proCaller = await api.caller(pro);
    await proCaller.jobs.accept({ jobId: order.jobId });
    await proCaller.jobs.accept({ jobId: unrelated.jobId });
    const changes = await (await api.caller(null)).tracking.changes({ token: tokenOf(order.orderId) });
    const seen: string[] = [];
    const reading = (async () => {
      for await (const change of changes) {
        seen.push(change.type);
        if (seen.length === 2) break;
      }
    })();
    // The steps below must happen after the bus LISTENs (it does on the first pull).
    for (let i = 0; i < 200; i++) {
      const listening = await api.t.sql`select 1 from pg_stat_activity where query ilike 'listen%h2s_job_changes%'`;
      if (listening.length) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    await proCaller.jobs.depart({ jobId: unrelated.jobId });
    await proCaller.jobs.depart({ jobId: order.jobId });
    await proCaller.jobs.start({ jobId: order.jobId });
    await reading;
    expect(seen).toEqual(['departed', 'started']);
  });
});
