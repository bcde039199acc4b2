/** What the simulation knows of each job and pro while it runs; the metrics are read from here and from the database. */
import type { Viewer } from '@h2s/api/server';
import { lookupPostalCode } from '@h2s/db/geo';
import { TIME_WINDOWS, WINDOW_HOURS } from '@h2s/db';
import { windowStartUtc } from '@h2s/api/domain/schedule';
import { Temporal } from 'temporal-polyfill';
import type { Agenda } from './events';
import type { Behaviour } from './behaviour';
import type { Random } from './random';
import type { Scenario, ScenarioJob, ScenarioPro } from './scenario';
import type { World } from './world';

export const MINUTE = 60_000;
export interface Place {
  lat: number;
  lng: number;
}

export interface Visit {
  departAt: number;
  arriveAt: number;
  startAt: number;
  endAt: number;
  driveMinutes: number;
  onTime: boolean;
}

export interface SimJob {
  spec: ScenarioJob;
  place: Place;
  windowStart: number;
  windowEnd: number;
  /** Bundle minutes before the spread. */
  minutes: number;
  orderId?: string;
  sessionId?: string;
  jobId?: string;
  paidAt?: number;
  refused?: string;
  cancelledAt?: number;
  cancelRefused?: string;
  acceptedAt?: number;
  pro?: SimPro;
  widenedAt?: number;
  escalatedAt?: number;
  visit?: Visit;
}

export interface SimPro {
  spec: ScenarioPro;
  viewer: Viewer;
  home: Place;
  timezone: string;
  location: Place;
  /** On a visit (departed, not yet completed). */
  busy: boolean;
  /** When the current visit should be over, as the pro expects it (no spread). */
  expectFreeAt: number;
  /** Jobs this pro has taken (done ones included). */
  holding: SimJob[];
  /** The open-jobs version at which this pro last saw no offers (skip the identical look). */
  emptyAtVersion: number;
  looks: number;
}

export interface SimState {
  scenario: Scenario;
  world: World;
  agenda: Agenda;
  behaviour: Behaviour;
  random: { pros: Random; visits: Random };
  jobs: SimJob[];
  byJobId: Map<string, SimJob>;
  pros: SimPro[];
  /** Bumped whenever the set of open jobs can grow (a booking, a widening, a release). */
  openVersion: number;
  /** The pros' morning on the day: from here they drive to their stops. */
  dayStart: number;
  /** No look at offers after this instant (the last window's end). */
  dayEnd: number;
}

export function placeOf(postalCode: string): Place & { timezone: string } {
  const place = lookupPostalCode(postalCode);
  if (!place) throw new Error(`Unknown ZIP code ${postalCode}`);
  return { lat: place.lat, lng: place.lng, timezone: place.timezone };
}

export function jobOf(scenario: Scenario, spec: ScenarioJob, behaviour: Behaviour, catalogMinutes: Map<string, number>): SimJob {
  const start = windowStartUtc(scenario.day, scenario.timezone, spec.window).getTime();
  const minutes = spec.items.reduce(
    (sum, item) => sum + item.quantity * (catalogMinutes.get(item.sku) ?? behaviour.skuMinutes[item.sku] ?? 60),
    0,
  );
  return { spec, place: placeOf(spec.postalCode), windowStart: start, windowEnd: start + WINDOW_HOURS * 3_600_000, minutes };
}

/** A pro's working hours on one local date, as instants. */
export function hoursOn(pro: SimPro, date: string): { from: number; to: number } {
  const at = (hhmm: string) => {
    const [h, m] = hhmm.split(':').map(Number) as [number, number];
    return Temporal.PlainDate.from(date).toZonedDateTime({ timeZone: pro.timezone, plainTime: { hour: h, minute: m } }).epochMilliseconds;
  };
  return { from: at(pro.spec.hours[0]), to: at(pro.spec.hours[1]) };
}

/** The local date of an instant where the pro lives. */
export function localDate(pro: SimPro, at: number): string {
  return Temporal.Instant.fromEpochMilliseconds(Math.round(at)).toZonedDateTimeISO(pro.timezone).toPlainDate().toString();
}

export const nextDate = (date: string) => Temporal.PlainDate.from(date).add({ days: 1 }).toString();

/** The first window's start of the day, for the pros' morning. */
export const firstWindowStart = (scenario: Scenario) => windowStartUtc(scenario.day, scenario.timezone, '9am - 12pm').getTime();
export const WINDOW_COUNT = Object.keys(TIME_WINDOWS).length;
