/**
 * Offers seen through the pro's day: a scheduled job that does not fit (overlap, unreachable in its
 * window) is not offered; one that fits says what it does to the day ("adds 14 min of driving to
 * Tuesday; fits between 10:30 AM and 1:00 PM"). Under the route-aware policy the offers are ranked by
 * that added driving; under the seed policy the scoring package's order stands. One page at a time.
 */
import type { Database } from '@h2s/db';
import { offersOf, rankedCandidates, type Offer, type RankedCandidate } from '../offers';
import { fieldError } from '../errors';
import { ROUTE_AWARE_FRESH_MAX_ADDED_MINUTES, type OfferRanking } from '../policy';
import { clockTime, fitIntoDay, zoneFormat, type DriveMinutes, type Fit, type Point } from './fit';
import { windowOf } from './day';
import { loadProDays, type ProDays } from './days';
import { cheapestFitting, firstFitting } from './offer-order';
import { directDrive, driveAmong, productTravelTimes, type TravelTimes } from './travel';

export const OFFERS_PAGE_SIZE = 50;

export interface DayImpact {
  /** Driving the pro's day gains (home to home). */
  addedDriveMinutes: number;
  /** The free time the job goes into, ISO instants. */
  fitsFrom: string;
  fitsTo: string;
  /** Planned start if taken now. */
  plannedStart: string;
  summary: string;
}

export type OfferWithDay = Offer & { day?: DayImpact };

export interface OffersPage {
  offers: OfferWithDay[];
  nextCursor?: string;
}

/** The cursor is the position of the next page in the ranked list ("50", "100", ...). */
function offsetOf(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  if (!/^\d{1,6}$/.test(cursor)) throw fieldError(['cursor'], 'Not a cursor from offers.list');
  return Number(cursor);
}

/** The pro's local calendar date of an instant ('2026-01-15'), computed here rather than per row in SQL. */
export const localDate = (at: Date, timeZone: string) => zoneFormat(timeZone, 'date').format(at);

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;
/** The weekday of a calendar date ('2026-01-15' → 'Thursday'), as zoneFormat's 'weekday' names it, without Intl. */
const weekdayOf = (date: string) => WEEKDAYS[new Date(`${date}T12:00:00Z`).getUTCDay()]!;

/** Where a candidate goes in the pro's day and what it adds; `fit` is null for a job with no time yet (a round trip from home). */
interface DayFit {
  cost: number;
  fit: { date: string; place: Fit } | null;
}

/**
 * Fits candidates into the pro's days, one at a time and only when asked. Drive times come straight
 * from the estimate when there is no ROUTING_URL (`direct`); else one small matrix per job (home,
 * that day's visits, the job), which TravelTimes caches while the day stays the same.
 */
function dayFitter(days: ProDays, travel: TravelTimes, direct: DriveMinutes | null, freshMaxAdded: number | null) {
  const { timezone, home } = days;
  const dates = new Map<string, string>();
  const dateOf = (dueAt: string) => {
    let date = dates.get(dueAt);
    if (date === undefined) dates.set(dueAt, (date = localDate(new Date(dueAt), timezone)));
    return date;
  };
  const roundTrip = (drive: DriveMinutes, point: Point) => drive(home, point) + drive(point, home);
  /**
   * Never above fit's cost: the least driving any place in the day adds, times ignored (fit takes the
   * least over the places that also keep the times). No bound without direct drive times.
   */
  const bound = ({ row }: RankedCandidate): number => {
    if (!direct) return -Infinity;
    const point = { lat: row.lat, lng: row.lng };
    if (!row.dueAt) return roundTrip(direct, point);
    const day = days.day(dateOf(row.dueAt));
    if (!day.shift) return Infinity; // never fits: looked at last
    let least = Infinity;
    for (let i = 0; i <= day.stops.length; i++) {
      const from = i > 0 ? day.stops[i - 1]!.point : home;
      const to = i < day.stops.length ? day.stops[i]!.point : home;
      least = Math.min(least, direct(from, point) + direct(point, to) - direct(from, to));
    }
    return least;
  };
  // Route-aware: a scheduled job not yet widened waits for the pros it suits (ROUTE_AWARE_FRESH_MAX_ADDED_MINUTES).
  const heldBack = (candidate: RankedCandidate, added: number) => freshMaxAdded !== null && !candidate.row.widened && added > freshMaxAdded;
  const fit = async (candidate: RankedCandidate): Promise<DayFit | null> => {
    const { row } = candidate;
    const point = { lat: row.lat, lng: row.lng };
    if (!row.dueAt) return { cost: roundTrip(direct ?? (await driveAmong(travel, [home, point])), point), fit: null };
    const date = dateOf(row.dueAt);
    const day = days.day(date);
    if (!day.shift || (direct && heldBack(candidate, bound(candidate)))) return null;
    const drive = direct ?? (await driveAmong(travel, [day.home, ...day.stops.map((s) => s.point), point]));
    const dueAt = new Date(row.dueAt);
    const result = fitIntoDay(day, { jobId: row.jobId, point, window: windowOf(dueAt), serviceMinutes: row.serviceMinutes }, drive);
    if (!result.fits || heldBack(candidate, result.fit.addedDriveMinutes)) return null;
    return { cost: result.fit.addedDriveMinutes, fit: { date, place: result.fit } };
  };
  return { bound, fit };
}

/** What taking the job does to the day, as the offer says it. */
function dayImpact({ date, place }: { date: string; place: Fit }, timezone: string): DayImpact {
  const t = (at: Date) => clockTime(at, timezone);
  return {
    addedDriveMinutes: place.addedDriveMinutes,
    fitsFrom: place.gap.from.toISOString(),
    fitsTo: place.gap.to.toISOString(),
    plannedStart: place.start.toISOString(),
    summary: `adds ${place.addedDriveMinutes} min of driving to ${weekdayOf(date)}; fits between ${t(place.gap.from)} and ${t(place.gap.to)}`,
  };
}

/**
 * offers.list: the pro's offers that fit their day, best first by the policy, one page of
 * OFFERS_PAGE_SIZE from `cursor`. Route-aware: least added driving first, the seed order breaking ties.
 * Only as many jobs are fitted as the page needs (offer-order.ts); the pro's days are read in the same
 * round trip as the candidates.
 */
export async function listOffersPage(
  db: Database,
  proId: string,
  now: Date,
  options: { cursor?: string; ranking?: OfferRanking; travel?: TravelTimes } = {},
): Promise<OffersPage> {
  const offset = offsetOf(options.cursor);
  const [{ pro, ranked }, days] = await Promise.all([rankedCandidates(db, proId, now), loadProDays(db, proId, now)]);
  if (!ranked.length || !days) return { offers: [] };
  const routeAware = (options.ranking ?? 'seed') === 'route-aware';
  const fitter = dayFitter(
    days,
    options.travel ?? productTravelTimes(),
    options.travel ? null : directDrive(),
    routeAware ? ROUTE_AWARE_FRESH_MAX_ADDED_MINUTES : null,
  );
  // One more than the page: whether there is a next page.
  const need = offset + OFFERS_PAGE_SIZE + 1;
  const fitting = routeAware ? await cheapestFitting(ranked, need, fitter.bound, fitter.fit) : await firstFitting(ranked, need, fitter.fit);
  const shown = fitting.slice(offset, offset + OFFERS_PAGE_SIZE);
  const offers = await offersOf(
    db,
    shown.map(({ item, fit }) => Object.assign({}, item, { fit })),
    pro,
  );
  const page = offers.map(({ of, ...offer }): OfferWithDay => (of.fit ? { ...offer, day: dayImpact(of.fit, days.timezone) } : offer));
  const next = offset + OFFERS_PAGE_SIZE;
  return { offers: page, ...(fitting.length > next ? { nextCursor: String(next) } : {}) };
}
