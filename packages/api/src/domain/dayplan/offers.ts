/**
 * Offers seen through the pro's day: a scheduled job that does not fit (overlap, unreachable in its
 * window) is not offered; one that fits says what it does to the day ("adds 14 min of driving to
 * Tuesday; fits between 10:30 AM and 1:00 PM"). Under the route-aware policy the offers are ranked by
 * that added driving; under the seed policy the scoring package's order stands. One page at a time.
 */
import { sql, type Database, type DbOrTx } from '@h2s/db';
import { listOffers, type Offer } from '../offers';
import { fieldError } from '../errors';
import { type OfferRanking } from '../policy';
import { clockTime, fitIntoDay, type ProDay } from './fit';
import { loadProDay, windowOf } from './day';
import { driveAmong, productTravelTimes, type TravelTimes } from './travel';

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

const weekday = (at: Date, timeZone: string) => new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'long' }).format(at);

/** The cursor is the position of the next page in the ranked list ("50", "100", ...). */
function offsetOf(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  if (!/^\d{1,6}$/.test(cursor)) throw fieldError(['cursor'], 'Not a cursor from offers.list');
  return Number(cursor);
}

/** The pro's local calendar date of an instant ('2026-01-15'), computed here rather than per row in SQL. */
export const localDate = (at: Date, timeZone: string) =>
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);

type JobPlace = { id: string; lat: number; lng: number; service_minutes: number };

/**
 * Each offer fitted into the pro's day, with the driving it adds (`cost`); scheduled ones that do not
 * fit are left out. An unscheduled job has no day yet: its cost is the round trip from home.
 */
export async function fitOffersIntoDays(
  db: DbOrTx,
  proId: string,
  offers: Offer[],
  travel: TravelTimes,
): Promise<(OfferWithDay & { cost: number })[]> {
  if (!offers.length) return [];
  const places = new Map(
    (
      await db.execute<JobPlace>(
        sql`select id, lat, lng, service_minutes from dispatch_jobs where id in (${sql.join(
          offers.map((o) => sql`${o.jobId}`),
          sql`, `,
        )})`,
      )
    ).map((p) => [p.id, p]),
  );
  const pro = await proHome(db, proId);
  if (!pro) return [];
  const { timezone } = pro;
  const days = new Map<string, ProDay | null>();
  const out: (OfferWithDay & { cost: number })[] = [];
  for (const offer of offers) {
    const place = places.get(offer.jobId);
    if (!place) continue;
    const point = { lat: place.lat, lng: place.lng };
    if (!offer.dueAt) {
      const drive = await driveAmong(travel, [pro, point]);
      out.push({ ...offer, cost: drive(pro, point) + drive(point, pro) });
      continue;
    }
    const dueAt = new Date(offer.dueAt);
    const date = localDate(dueAt, timezone);
    if (!days.has(date)) days.set(date, await loadProDay(db, proId, date));
    const day = days.get(date);
    if (!day) continue;
    // One small matrix per job (home, that day's visits, the job): cached while the day stays the same.
    const drive = await driveAmong(travel, [day.home, ...day.stops.map((s) => s.point), point]);
    const result = fitIntoDay(day, { jobId: offer.jobId, point, window: windowOf(dueAt), serviceMinutes: place.service_minutes }, drive);
    if (!result.fits) continue;
    const { fit } = result;
    const t = (at: Date) => clockTime(at, timezone);
    out.push({
      ...offer,
      cost: fit.addedDriveMinutes,
      day: {
        addedDriveMinutes: fit.addedDriveMinutes,
        fitsFrom: fit.gap.from.toISOString(),
        fitsTo: fit.gap.to.toISOString(),
        plannedStart: fit.start.toISOString(),
        summary: `adds ${fit.addedDriveMinutes} min of driving to ${weekday(dueAt, timezone)}; fits between ${t(fit.gap.from)} and ${t(fit.gap.to)}`,
      },
    });
  }
  return out;
}

async function proHome(db: DbOrTx, proId: string) {
  const [row] = await db.execute<{ timezone: string; lat: number; lng: number }>(
    sql`select timezone, lat, lng from pros where user_id = ${proId}`,
  );
  return row ?? null;
}

/**
 * offers.list: the pro's offers that fit their day, best first by the policy, one page of
 * OFFERS_PAGE_SIZE from `cursor`. Route-aware: least added driving first, the seed order breaking ties.
 */
export async function listOffersPage(
  db: Database,
  proId: string,
  now: Date,
  options: { cursor?: string; ranking?: OfferRanking; travel?: TravelTimes } = {},
): Promise<OffersPage> {
  const offset = offsetOf(options.cursor);
  const seedOrder = await listOffers(db, proId, now);
  const fitted = await fitOffersIntoDays(db, proId, seedOrder, options.travel ?? productTravelTimes());
  const ranked =
    (options.ranking ?? 'seed') === 'route-aware'
      ? fitted
          .map((offer, index) => ({ offer, index }))
          .sort((a, b) => a.offer.cost - b.offer.cost || a.index - b.index)
          .map((x) => x.offer)
      : fitted;
  const page = ranked.slice(offset, offset + OFFERS_PAGE_SIZE).map(({ cost: _cost, ...offer }) => offer);
  const next = offset + OFFERS_PAGE_SIZE;
  return { offers: page, ...(next < ranked.length ? { nextCursor: String(next) } : {}) };
}
