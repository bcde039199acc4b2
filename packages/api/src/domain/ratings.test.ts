import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, rejection, type TestApi } from '../test/fixtures';
import { emailTasks } from '../tasks/email';
import type { OutgoingEmail } from './email';
import { ratingToken } from './rating-link';
import { trackingToken } from './tracking';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(async () => api?.close());

/** A paid, scheduled order whose visit the pro has finished. */
async function doneVisit(proName = 'Priya Natarajan') {
  api.clock.set('2026-01-09T15:00:00Z');
  const order = await api.paidOrder();
  const anon = await api.caller(null);
  await anon.schedule.confirm({ sessionId: order.sessionId, date: '2026-01-15', timezone: 'America/Chicago', timeWindow: '12pm - 3pm' });
  const pro = await api.pro({ name: proName });
  await (await api.caller(pro)).jobs.accept({ jobId: order.jobId });
  await api.finishVisit(pro, order.jobId);
  api.clock.set('2026-01-15T21:00:00Z');
  return { ...order, pro, token: ratingToken(api.server.deps, order.orderId, 1) };
}

describe('ratings', () => {
  it('reach the customer through the completion email and the tracking page, and only once the visit is done', async () => {
    api.clock.set('2026-01-09T15:00:00Z');
    const order = await api.paidOrder();
    const anon = await api.caller(null);
    const token = ratingToken(api.server.deps, order.orderId, 1);
    expect((await rejection(anon.ratings.submit({ token, stars: 5 }))).code).toBe('CONFLICT');
    const tracking = await anon.tracking.get({ token: trackingToken(api.server.deps, order.orderId, 1) });
    expect(tracking.ratingPath).toBeNull();

    const done = await doneVisit();
    const track = await anon.tracking.get({ token: trackingToken(api.server.deps, done.orderId, 1) });
    expect(track.ratingPath).toBe(`/rate/${done.token}`);
    const sent: OutgoingEmail[] = [];
    const [mail] = await api.t.sql<
      { id: number }[]
    >`select id from email_notifications where job_id = ${done.jobId} and kind = 'completed'`;
    const tasks = emailTasks({ ...api.server.deps, mailer: { send: async (m) => void sent.push(m), close() {} } });
    await tasks.send_email({ notificationId: mail!.id }, {} as never);
    expect(sent[0]?.text).toContain(`Rate the visit: http://customer.test/rate/${done.token}`);
    const page = await anon.ratings.get({ token: done.token });
    expect(page).toMatchObject({ open: true, proFirstName: 'Priya', rating: null, changeable: true });
  });

  it('keeps one rating per job, changeable for 7 days, and the pro and dispatch see it', async () => {
    const done = await doneVisit('Marcus Lee');
    const anon = await api.caller(null);
    const first = await anon.ratings.submit({ token: done.token, stars: 2, comment: '  Left dust everywhere ' });
    expect(first).toMatchObject({
      jobId: done.jobId,
      stars: 2,
      comment: 'Left dust everywhere',
      changeableUntil: '2026-01-22T21:00:00.000Z',
    });
    await Promise.all([anon.ratings.submit({ token: done.token, stars: 4 }), anon.ratings.submit({ token: done.token, stars: 4 })]);
    const rows = await api.t.sql<{ n: number }[]>`select count(*)::int as n from job_ratings where job_id = ${done.jobId}`;
    expect(rows[0]?.n).toBe(1);

    const mine = await (await api.caller(done.pro)).ratings.mine();
    expect(mine).toMatchObject({ average: 4, count: 1, lowCount: 0, recent: [{ jobId: done.jobId, stars: 4, comment: null, low: false }] });

    await anon.ratings.submit({ token: done.token, stars: 1, comment: 'Actually, the mount is loose.' });
    const board = await (await api.caller(await api.admin())).ratings.byPro();
    const marcus = board.pros.find((p) => p.proId === done.pro.userId);
    expect(marcus).toMatchObject({ name: 'Marcus Lee', average: 1, count: 1, lowCount: 1, recent: [{ stars: 1, low: true }] });

    api.clock.set('2026-01-22T21:00:01Z');
    const late = await rejection(anon.ratings.submit({ token: done.token, stars: 5 }));
    expect(late.code).toBe('CONFLICT');
    expect((await anon.ratings.get({ token: done.token })).changeable).toBe(false);
    expect((await anon.ratings.get({ token: done.token })).rating?.stars).toBe(1);
  });

  it('is refused to anyone without the rating link: a tracking token, a forged or a revoked link', async () => {
    const done = await doneVisit();
    const other = await doneVisit();
    const anon = await api.caller(null);
    const [orderId, version, mac] = done.token.split('.') as [string, string, string];
    const refused = [
      trackingToken(api.server.deps, done.orderId, 1),
      `${other.orderId}.${version}.${mac}`,
      `${orderId}.2.${mac}`,
      `${orderId}.${version}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`,
      orderId,
    ];
    for (const token of refused) expect((await rejection(anon.ratings.submit({ token, stars: 1 }))).code).toBe('NOT_FOUND');
    // The pro who did the job cannot rate it either: the link is the only way in.
    expect((await rejection((await api.caller(done.pro)).ratings.submit({ token: refused[0]!, stars: 5 }))).code).toBe('NOT_FOUND');
    await (await api.caller(await api.admin())).admin.revokeTracking({ orderId: done.orderId });
    expect((await rejection(anon.ratings.submit({ token: done.token, stars: 1 }))).code).toBe('NOT_FOUND');
    expect(await api.t.sql`select 1 from job_ratings where job_id in ${api.t.sql([done.jobId, other.jobId])}`).toHaveLength(0);
  });

  it('names the field of a bad rating', async () => {
    const done = await doneVisit();
    const error = await rejection((await api.caller(null)).ratings.submit({ token: done.token, stars: 6 }));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toContain('Pick 1 to 5 stars');
  });

  it('a rating from someone other than the order’s customer breaks a database constraint', async () => {
    const done = await doneVisit();
    const stranger = await api.paidOrder();
    const attempt = api.t.sql`insert into job_ratings (job_id, order_id, customer_user_id, pro_id, stars)
      values (${done.jobId}, ${done.orderId}, ${stranger.customer.userId}, ${done.pro.userId}, 5)`;
    await expect(attempt).rejects.toThrow(/job_ratings_order_customer_fk/);
  });
});
