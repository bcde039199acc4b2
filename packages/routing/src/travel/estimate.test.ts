import { describe, expect, it } from 'vitest';
import { cachedTravelTimes } from './cache';
import { DEFAULT_CIRCUITY, estimatedTravelTimes, greatCircleKm } from './estimate';
import type { TravelTimes } from './types';

const loop = { lat: 41.8858, lng: -87.6181 }; // Chicago 60601
const ohare = { lat: 41.9786, lng: -87.9048 };

describe('estimatedTravelTimes', () => {
  it('uses great-circle distance times the circuity factor', async () => {
    const gc = greatCircleKm(loop, ohare);
    expect(gc).toBeGreaterThan(25);
    expect(gc).toBeLessThan(27);
    const { km, minutes } = await estimatedTravelTimes().matrix([loop, ohare]);
    expect(km[0]![1]).toBeCloseTo(gc * DEFAULT_CIRCUITY, 6);
    expect(km[0]![0]).toBe(0);
    // 34 km of road: 3 km at 25, 7 at 35, 20 at 50, 4 at 70 km/h ≈ 45 min
    expect(minutes[0]![1]).toBeGreaterThan(40);
    expect(minutes[0]![1]).toBeLessThan(50);
    expect(minutes[1]![0]).toBeCloseTo(minutes[0]![1]!, 9);
  });

  it('takes its factors from the options, and a longer trip never takes less time', async () => {
    const flat = estimatedTravelTimes({ circuity: 1, bands: [{ uptoKm: Infinity, kmh: 60 }] });
    const { km, minutes } = await flat.matrix([loop, ohare]);
    expect(minutes[0]![1]).toBeCloseTo(km[0]![1]!, 9); // 60 km/h: a minute per km
    const t = estimatedTravelTimes();
    const points = [0, 0.02, 0.027, 0.028, 0.1, 0.3].map((d) => ({ lat: 41.88, lng: -87.62 + d }));
    const row = (await t.matrix(points)).minutes[0]!;
    for (let i = 1; i < row.length; i++) expect(row[i]).toBeGreaterThan(row[i - 1]!);
  });

  it('refuses bad settings and points by name', () => {
    expect(() => estimatedTravelTimes({ circuity: 0.5 })).toThrow(/circuity/);
    expect(() => estimatedTravelTimes({ bands: [{ uptoKm: 5, kmh: 0 }] })).toThrow(/bands\[0\]\.kmh/);
    expect(() => estimatedTravelTimes().matrix([{ lat: 91, lng: 0 }])).toThrow(/points\[0\]\.lat/);
  });
});

describe('cachedTravelTimes', () => {
  it('asks once per list of points', async () => {
    let calls = 0;
    const inner: TravelTimes = {
      matrix(points) {
        calls++;
        return Promise.resolve({ minutes: points.map(() => points.map(() => 1)), km: points.map(() => points.map(() => 1)) });
      },
    };
    const cached = cachedTravelTimes(inner, { maxEntries: 1 });
    await cached.matrix([loop, ohare]);
    await cached.matrix([loop, ohare]);
    expect(calls).toBe(1);
    await cached.matrix([ohare, loop]);
    await cached.matrix([loop, ohare]);
    expect(calls).toBe(3);
  });
});
