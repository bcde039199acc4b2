/**
 * Who is in reach is asked in SQL by offers.list, jobs.accept, seats, coverage and texts (reach.ts,
 * withinReachSql) and in TypeScript by the planner and dispatch (the scoring package's isWithinRadius).
 * The two must agree to the tenth of a mile the pro is shown: on thousands of points around the radius
 * (and the widened 1.5× radius), SQL's answer is isWithinRadius's every time.
 */
import { mulberry32 } from '@h2s/routing';
import { isWithinRadius } from '@h2s/scoring';
import { sql } from '@h2s/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../test/fixtures';
import { WIDENED_RADIUS_FACTOR } from './policy';
import { withinReachSql } from './reach';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(async () => api?.close());

const MILES_PER_DEGREE_LAT = 69.05;

describe('one reach rule in SQL and TypeScript', () => {
  it('withinReachSql says "in reach" exactly where isWithinRadius does, at the radius and the widened radius', async () => {
    const pro = await api.pro({ postalCode: '60601', serviceRadiusMiles: 25 });
    const [home] = await api.t.sql<{ lat: number; lng: number }[]>`select lat, lng from pros where user_id = ${pro.userId}`;
    const random = mulberry32(2026);
    const points: { lat: number; lng: number; widened: boolean }[] = [];
    for (let i = 0; i < 4000; i++) {
      const widened = i % 2 === 1;
      const radius = 25 * (widened ? WIDENED_RADIUS_FACTOR : 1);
      // Within 0.3 mi of the edge, any bearing.
      const miles = radius - 0.3 + random() * 0.6;
      const bearing = random() * 2 * Math.PI;
      const lat = home!.lat + (miles * Math.cos(bearing)) / MILES_PER_DEGREE_LAT;
      const lng = home!.lng + (miles * Math.sin(bearing)) / (MILES_PER_DEGREE_LAT * Math.cos((home!.lat * Math.PI) / 180));
      points.push({ lat, lng, widened });
    }
    const rows = await api.t.db.execute<{ i: string; ok: boolean }>(sql`
      select g.i, ${withinReachSql('g', 'p')} as ok
        from (select i, lat, lng, case when w then now() end as widened_at
                from unnest(${`{${points.map((p) => p.lat).join(',')}}`}::float8[], ${`{${points.map((p) => p.lng).join(',')}}`}::float8[],
                            ${`{${points.map((p) => p.widened).join(',')}}`}::boolean[]) with ordinality as u(lat, lng, w, i)) g,
             pros p
       where p.user_id = ${pro.userId}`);
    expect(rows).toHaveLength(points.length);
    const disagreements = rows.filter(({ i, ok }) => {
      const point = points[Number(i) - 1]!;
      const radius = 25 * (point.widened ? WIDENED_RADIUS_FACTOR : 1);
      return isWithinRadius(point, { ...home!, serviceRadiusMiles: radius }) !== ok;
    });
    expect(disagreements).toEqual([]);
    // Both answers are well represented near each edge.
    const inReach = rows.filter((r) => r.ok).length;
    expect(inReach).toBeGreaterThan(1000);
    expect(rows.length - inReach).toBeGreaterThan(1000);
  });
});
