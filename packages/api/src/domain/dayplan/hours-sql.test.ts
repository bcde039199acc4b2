/**
 * offers.list and jobs.accept ask the hours question in SQL (reach.ts, withinHoursSql: a filter inside
 * their statements); the planner, assign and the offer's day fit ask it in TypeScript (hours.ts). The
 * two must give the same answer: over a fortnight of windows (a DST change included), several shifts,
 * a weekday without hours and a day off, SQL's answer is hoursVerdict(...) === 'within' every time.
 */
import { Temporal } from 'temporal-polyfill';
import { sql } from '@h2s/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../../test/fixtures';
import { withinHoursSql } from '../reach';
import { windowOf } from './day';
import { loadProDays } from './days';
import { hoursVerdict } from './hours';
import { localDate } from './offers';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(async () => api?.close());

describe('one hours rule in SQL and TypeScript', () => {
  it('withinHoursSql says "within" exactly where hoursVerdict does', async () => {
    const pro = await api.pro({ postalCode: '60601' });
    // ISO weekdays: Monday 8–15, Tuesday 9:30–18, Wednesday none, Thursday all day, Friday 12–21, Saturday 7–12, Sunday 6–10.
    await api.t.sql`delete from pro_working_hours where pro_id = ${pro.userId}`;
    const hours: [number, string, string][] = [
      [1, '08:00', '15:00'],
      [2, '09:30', '18:00'],
      [4, '00:00', '23:59'],
      [5, '12:00', '21:00'],
      [6, '07:00', '12:00'],
      [7, '06:00', '10:00'],
    ];
    for (const [weekday, starts, ends] of hours) {
      await api.t
        .sql`insert into pro_working_hours (pro_id, weekday, starts_at, ends_at) values (${pro.userId}, ${weekday}, ${starts}, ${ends})`;
    }
    await api.t.sql`insert into pro_days_off (pro_id, day) values (${pro.userId}, '2026-03-12')`;

    // Every half hour from 5am to 10pm, Chicago time, 2026-03-02 to 2026-03-15 (DST starts 2026-03-08).
    const dueAts: Date[] = [];
    for (let d = Temporal.PlainDate.from('2026-03-02'); Temporal.PlainDate.compare(d, '2026-03-15') <= 0; d = d.add({ days: 1 })) {
      for (let minutes = 5 * 60; minutes <= 22 * 60; minutes += 30) {
        const time = Temporal.PlainTime.from({ hour: Math.floor(minutes / 60), minute: minutes % 60 });
        dueAts.push(new Date(d.toZonedDateTime({ timeZone: 'America/Chicago', plainTime: time }).epochMilliseconds));
      }
    }
    const rows = await api.t.db.execute<{ due: string; ok: boolean }>(sql`
      select to_char(g.due_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as due, ${withinHoursSql('g', 'p')} as ok
        from unnest(${`{${dueAts.map((d) => d.toISOString()).join(',')}}`}::timestamptz[]) as g(due_at), pros p
       where p.user_id = ${pro.userId}`);
    expect(rows).toHaveLength(dueAts.length);

    const days = (await loadProDays(api.t.db, pro.userId, new Date('2026-03-01T00:00:00Z')))!;
    expect(days.timezone).toBe('America/Chicago');
    const disagreements = rows.filter(({ due, ok }) => {
      const dueAt = new Date(due);
      const verdict = hoursVerdict(days.day(localDate(dueAt, days.timezone)).shift, windowOf(dueAt));
      return (verdict === 'within') !== ok;
    });
    expect(disagreements).toEqual([]);
    // The sample covers each answer: windows inside, across an edge, outside, and on days without work.
    const within = rows.filter((r) => r.ok).length;
    expect(within).toBeGreaterThan(20);
    expect(rows.length - within).toBeGreaterThan(20);
  });
});
