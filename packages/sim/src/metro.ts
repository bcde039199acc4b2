/**
 * The built-in day: one metro (Chicago, real ZIP centroids from the `zipcodes` package), pros spread
 * over its ZIP codes, jobs booked over the days before. Everything is drawn from the seed, so the
 * same seed gives the same day; `quick` is a smaller day of the same shape for the test suite.
 */
import { createRequire } from 'node:module';
import { Temporal } from 'temporal-polyfill';
import { SKILLS, TIME_WINDOWS, type Skill, type TimeWindow } from '@h2s/db';
import { lookupPostalCode } from '@h2s/db/geo';
import { seededRandom, type Random } from './random';
import type { Scenario, ScenarioJob, ScenarioPro } from './scenario';

const zipcodes = createRequire(import.meta.url)('zipcodes') as { radius(zip: string, miles: number): string[] };

export const METRO = { center: '60601', radiusMiles: 22, timezone: 'America/Chicago', day: '2026-03-10' } as const;

/** Shares of the cart mix (assumption: TV mounting the most common job, as in the demo catalog's order). */
const SKU_MIX: [string, number][] = [
  ['tv-mount-standard', 0.35],
  ['tv-mount-premium', 0.15],
  ['smart-home-starter', 0.2],
  ['security-camera-4', 0.1],
  ['wifi-mesh', 0.2],
];
const WINDOW_MIX: [TimeWindow, number][] = [
  ['9am - 12pm', 0.35],
  ['12pm - 3pm', 0.35],
  ['3pm - 6pm', 0.3],
];

function weighted<T>(random: Random, mix: [T, number][]): T {
  let r = random.next() * mix.reduce((sum, [, w]) => sum + w, 0);
  for (const [value, weight] of mix) if ((r -= weight) < 0) return value;
  return mix[mix.length - 1]![0];
}

/** A local wall time of the metro as an ISO instant. */
function localInstant(day: string, minutesAfterMidnight: number, timezone: string): string {
  const start = Temporal.PlainDate.from(day).toZonedDateTime({ timeZone: timezone });
  return new Date(start.add({ minutes: Math.round(minutesAfterMidnight) }).epochMilliseconds).toISOString();
}

const shiftDay = (day: string, days: number) => Temporal.PlainDate.from(day).add({ days }).toString();

export function metroZips(): string[] {
  return zipcodes
    .radius(METRO.center, METRO.radiusMiles)
    .filter((zip) => lookupPostalCode(zip)?.timezone === METRO.timezone)
    .sort();
}

export function metroDay(options: { seed: number; quick?: boolean }): Scenario {
  const random = seededRandom(options.seed);
  const zips = metroZips();
  const { day, timezone } = METRO;
  const proCount = options.quick ? 8 : 50;
  const jobCount = options.quick ? 40 : 500;
  const bookingDays = options.quick ? 2 : 4;

  const proRandom = random.fork('pros');
  const pros: ScenarioPro[] = Array.from({ length: proCount }, (_, i) => {
    // Every pro mounts TVs or wires networks at least; the rest of the skills spread unevenly.
    const skills = SKILLS.filter((skill) => proRandom.chance(skill === 'wall-mount' ? 0.85 : 0.55));
    if (!skills.length) skills.push(proRandom.pick(['wall-mount', 'networking'] as Skill[]));
    const shift = proRandom.next();
    const hours: [string, string] = shift < 0.7 ? ['08:00', '18:00'] : shift < 0.85 ? ['08:00', '15:00'] : ['11:30', '18:30'];
    return {
      id: `p${String(i + 1).padStart(2, '0')}`,
      postalCode: proRandom.pick(zips),
      radiusMiles: proRandom.int(15, 30),
      skills,
      hours,
    };
  });

  const jobRandom = random.fork('jobs');
  const jobs: ScenarioJob[] = Array.from({ length: jobCount }, (_, i) => {
    const window = weighted(jobRandom, WINDOW_MIX);
    const items = [{ sku: weighted(jobRandom, SKU_MIX), quantity: 1 }];
    if (jobRandom.chance(0.15)) {
      const extra = weighted(jobRandom, SKU_MIX);
      if (extra !== items[0]!.sku) items.push({ sku: extra, quantity: 1 });
    }
    const windowStartMinutes = TIME_WINDOWS[window] * 60;
    // Most book over the days before (8am to 9pm); some book the same morning for an afternoon window.
    const sameDay = window !== '9am - 12pm' && jobRandom.chance(0.12);
    const bookedAt = sameDay
      ? localInstant(day, jobRandom.between(6 * 60, windowStartMinutes - 120), timezone)
      : localInstant(shiftDay(day, -jobRandom.int(1, bookingDays)), jobRandom.between(8 * 60, 21 * 60), timezone);
    const cancelledAt = jobRandom.chance(0.03)
      ? new Date(
          Date.parse(bookedAt) +
            jobRandom.next() * (Date.parse(localInstant(day, windowStartMinutes - 60, timezone)) - Date.parse(bookedAt)),
        ).toISOString()
      : null;
    return { id: `j${String(i + 1).padStart(3, '0')}`, postalCode: jobRandom.pick(zips), items, window, bookedAt, cancelledAt };
  });

  return {
    name: options.quick ? `Chicago quick day (seed ${options.seed})` : `Chicago metro day (seed ${options.seed})`,
    timezone,
    day,
    seed: options.seed,
    pros,
    jobs,
  };
}
