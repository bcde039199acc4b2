import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, rejection, type TestApi } from '../test/fixtures';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi({ now: '2026-01-09T15:00:00.000Z' });
});
afterAll(async () => api?.close());

const allWeek = (startsAt: string, endsAt: string) => [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, startsAt, endsAt }));

describe('admin.assign outside the pro’s hours (issue 22)', () => {
  it('warns on a day off and assigns only with a reason, which the history keeps', async () => {
    const admin = await api.caller(await api.admin());
    const pro = await api.pro({ name: 'Dana Day-Off', postalCode: '60601', serviceRadiusMiles: 30 });
    await admin.pros.setAvailability({ proId: pro.userId, hours: allWeek('08:00', '18:00'), daysOff: ['2026-01-15'] });
    const order = await api.paidOrder();
    await (
      await api.caller(null)
    ).schedule.confirm({
      sessionId: order.sessionId,
      date: '2026-01-15',
      timezone: 'America/Chicago',
      timeWindow: '12pm - 3pm',
    });

    const warned = await rejection(admin.admin.assign({ jobId: order.jobId, proId: pro.userId }));
    expect(warned.code).toBe('CONFLICT');
    expect(warned.message).toBe(
      "Thursday, January 15 is Dana Day-Off's day off. Say why to assign anyway; the reason is kept in the job's history.",
    );
    expect((warned.cause as { needsReason?: boolean }).needsReason).toBe(true);
    const [job] = await api.t.sql`select assigned_pro_id from dispatch_jobs where id = ${order.jobId}`;
    expect(job!.assigned_pro_id).toBeNull();

    await expect(admin.admin.assign({ jobId: order.jobId, proId: pro.userId, offHoursReason: 'x' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await admin.admin.assign({ jobId: order.jobId, proId: pro.userId, offHoursReason: 'Customer asked for Dana by name' });
    const { events } = await admin.admin.history({ jobId: order.jobId });
    expect(events.at(-1)).toMatchObject({
      type: 'assigned',
      data: { proId: pro.userId, offHoursReason: 'Customer asked for Dana by name' },
    });
  });

  it('warns outside working hours, and assigns inside them without asking', async () => {
    const admin = await api.caller(await api.admin());
    const early = await api.pro({ name: 'Eli Early', postalCode: '60601', serviceRadiusMiles: 30 });
    await admin.pros.setAvailability({ proId: early.userId, hours: allWeek('06:00', '12:00'), daysOff: [] });
    const late = await api.paidOrder();
    const morning = await api.paidOrder();
    const anon = await api.caller(null);
    await anon.schedule.confirm({ sessionId: late.sessionId, date: '2026-01-16', timezone: 'America/Chicago', timeWindow: '3pm - 6pm' });
    await anon.schedule.confirm({
      sessionId: morning.sessionId,
      date: '2026-01-17',
      timezone: 'America/Chicago',
      timeWindow: '9am - 12pm',
    });
    await expect(admin.admin.assign({ jobId: late.jobId, proId: early.userId })).rejects.toThrow(
      "This visit is outside Eli Early's working hours on Friday, January 16.",
    );
    await expect(admin.admin.assign({ jobId: morning.jobId, proId: early.userId })).resolves.toMatchObject({ state: 'accepted' });
  });
});
