import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isWithinRadius } from '@h2s/scoring';
import { COVERAGE_PRO_EMAIL, createTestApi, type TestApi } from '../../test/fixtures';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(async () => api?.close());

type Window = '9am - 12pm' | '12pm - 3pm' | '3pm - 6pm';
const WINDOWS: Window[] = ['9am - 12pm', '12pm - 3pm', '3pm - 6pm'];
const address = (line1: string, city: string, postalCode: string) => ({ serviceAddress: { line1, city, state: 'IL', postalCode } });
const PLACES = [
  address('233 S Wacker Dr', 'Chicago', '60606'),
  address('1603 Orrington Ave', 'Evanston', '60201'),
  address('2430 N Cannon Dr', 'Chicago', '60614'),
  address('1200 W Harrison St', 'Chicago', '60607'),
  address('4800 N Broadway', 'Chicago', '60640'),
  address('1901 W Madison St', 'Chicago', '60612'),
  address('5700 S Lake Shore Dr', 'Chicago', '60637'),
  address('3600 N Clark St', 'Chicago', '60613'),
];
const SKUS = ['tv-mount-standard', 'smart-home-starter', 'tv-mount-standard', 'wifi-mesh'] as const;

describe('a whole day planned, then applied', () => {
  it('every stop the plan proposes is accepted, and the stored visits are the plan’s times', async () => {
    const date = '2026-01-21'; // a Wednesday
    const jobs: { jobId: string; sessionId: string }[] = [];
    for (let i = 0; i < 21; i++) {
      const order = await api.paidOrder({ ...PLACES[i % PLACES.length]!, items: [{ sku: SKUS[i % SKUS.length]!, quantity: 1 }] });
      await (
        await api.caller(null)
      ).schedule.confirm({ sessionId: order.sessionId, date, timezone: 'America/Chicago', timeWindow: WINDOWS[i % 3]! });
      jobs.push(order);
    }
    await api.t.sql`update pros set active = false where user_id = (select id from users where email = ${COVERAGE_PRO_EMAIL})`;
    const loop = await api.pro({ postalCode: '60601', skills: ['wall-mount', 'smart-home', 'networking'] });
    const north = await api.pro({ postalCode: '60614', skills: ['wall-mount', 'networking'] });
    const early = await api.pro({ postalCode: '60201', skills: ['wall-mount', 'smart-home'] });
    const near = await api.pro({ postalCode: '60607', serviceRadiusMiles: 3, skills: ['wall-mount', 'smart-home', 'networking'] });
    const off = await api.pro({ postalCode: '60606', skills: ['wall-mount', 'smart-home', 'networking'] });
    // Wednesday ends at 3 pm for one pro; another is off that day.
    await api.t.sql`update pro_working_hours set ends_at = '15:00' where pro_id = ${early.userId} and weekday = 3`;
    await api.t.sql`insert into pro_days_off (pro_id, day) values (${off.userId}, ${date})`;
    // Some jobs are held already, their visits placed by jobs.accept.
    const held = new Map([
      [jobs[0]!.jobId, loop],
      [jobs[2]!.jobId, north],
      [jobs[4]!.jobId, early],
      [jobs[6]!.jobId, loop],
    ]);
    for (const [jobId, pro] of held) await (await api.caller(pro)).jobs.accept({ jobId });
    const visitsBefore = await api.t.sql`select job_id, planned_arrival, planned_start, planned_end from job_assignments
                                           where job_id in ${api.t.sql([...held.keys()])} and state = 'accepted' order by job_id`;
    expect(visitsBefore.every((v) => v.planned_start !== null)).toBe(true);
    const admin = await api.caller(await api.admin());

    const plan = await admin.admin.planDay({ date, timezone: 'America/Chicago' });

    const proposed = plan.routes.flatMap((r) => r.stops.filter((s) => !s.pinned).map((s) => ({ ...s, proId: r.proId })));
    expect(proposed.length).toBeGreaterThanOrEqual(8);
    expect(plan.routes.map((r) => r.proId)).not.toContain(off.userId);
    const pinned = plan.routes.flatMap((r) => r.stops.filter((s) => s.pinned).map((s) => ({ jobId: s.jobId, proId: r.proId })));
    expect(pinned.sort((a, b) => a.jobId.localeCompare(b.jobId))).toEqual(
      [...held].map(([jobId, pro]) => ({ jobId, proId: pro.userId })).sort((a, b) => a.jobId.localeCompare(b.jobId)),
    );
    const homeOf = new Map(plan.routes.map((r) => [r.proId, r.home]));
    for (const stop of proposed) {
      // Only where admin.assign takes it without asking: in the pro's radius, the window inside their hours.
      if (stop.proId === near.userId) expect(isWithinRadius(stop, { ...homeOf.get(near.userId)!, serviceRadiusMiles: 3 })).toBe(true);
      if (stop.proId === early.userId)
        expect(new Date(stop.windowStart).getTime() + 3 * 3_600_000).toBeLessThanOrEqual(Date.parse(`${date}T21:00:00Z`));
    }
    for (const u of plan.unassigned) expect(u.reason.length).toBeGreaterThan(0);

    const placements = proposed.map((s) => ({ jobId: s.jobId, proId: s.proId, start: s.start }));
    const applied = await admin.admin.applyPlan({ placements });
    expect(applied.results.filter((r) => !r.applied)).toEqual([]);
    expect(applied).toMatchObject({ applied: proposed.length, refused: 0 });

    // What is stored is the plan: each stop with its pro, at the plan's arrival, start and end, driving as planned.
    const stored = await api.t.sql`select a.job_id, a.pro_id, a.planned_arrival, a.planned_start, a.planned_end, a.drive_minutes
                                     from job_assignments a where a.state = 'accepted' and a.job_id in ${api.t.sql(jobs.map((j) => j.jobId))}`;
    const iso = (at: unknown) => new Date(at as string).toISOString();
    const byJob = new Map(
      stored.map((v) => [
        v.job_id as string,
        { ...v, planned_arrival: iso(v.planned_arrival), planned_start: iso(v.planned_start), planned_end: iso(v.planned_end) },
      ]),
    );
    for (const route of plan.routes) {
      for (const stop of route.stops) {
        expect({ jobId: stop.jobId, ...byJob.get(stop.jobId) }).toEqual({
          jobId: stop.jobId,
          job_id: stop.jobId,
          pro_id: route.proId,
          planned_arrival: stop.arrival,
          planned_start: stop.start,
          planned_end: stop.end,
          drive_minutes: stop.driveMinutes,
        });
      }
    }
    // The held visits did not move.
    const visitsAfter = await api.t.sql`select job_id, planned_arrival, planned_start, planned_end from job_assignments
                                          where job_id in ${api.t.sql([...held.keys()])} and state = 'accepted' order by job_id`;
    expect(visitsAfter).toEqual(visitsBefore);
    // Planning again proposes nothing new to apply: the day is as planned.
    const again = await admin.admin.planDay({ date, timezone: 'America/Chicago' });
    expect(again.routes.flatMap((r) => r.stops.filter((s) => !s.pinned))).toEqual([]);
  });

  it('refuses a planned start that is not an ISO date-time, naming the field', async () => {
    const admin = await api.caller(await api.admin());
    const { jobId } = await api.paidOrder();
    const pro = await api.pro();
    await expect(admin.admin.assign({ jobId, proId: pro.userId, start: 'tomorrow at 9' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('start must be an ISO date-time'),
    });
    await expect(admin.admin.applyPlan({ placements: [{ jobId, proId: pro.userId, start: '9:00' }] })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('start must be an ISO date-time'),
    });
  });
});
