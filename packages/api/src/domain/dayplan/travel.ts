/**
 * Drive times for a pro's day, from @h2s/routing's TravelTimes: estimated from coordinates by
 * default, an OSRM table when ROUTING_URL is set; matrices cached per list of points (so per day).
 * The product asks for a matrix BEFORE its transaction (no network inside one), then decides with
 * a plain lookup over it; a pair it did not fetch (the day changed in between) aborts the attempt.
 */
import { cachedTravelTimes, estimatedTravelTimes, estimatedTrip, osrmTravelTimes, type TravelTimes } from '@h2s/routing';
import type { DbOrTx } from '@h2s/db';
import type { DriveMinutes, Point } from './fit';
import { loadJobForPro, loadProDay } from './day';

export type { TravelTimes };

let fromEnv: { url: string | undefined; travel: TravelTimes } | undefined;

/** The process's TravelTimes: OSRM at ROUTING_URL when set (validated by loadConfig), else the estimate. */
export function productTravelTimes(env: NodeJS.ProcessEnv = process.env): TravelTimes {
  const url = env.ROUTING_URL?.trim() || undefined;
  if (fromEnv?.url !== url || !fromEnv) {
    fromEnv = { url, travel: cachedTravelTimes(url ? osrmTravelTimes(url) : estimatedTravelTimes(), { maxEntries: 4096 }) };
  }
  return fromEnv.travel;
}

let estimate: DriveMinutes | undefined;

/**
 * Whole minutes between two points straight from the estimate, with no matrix and no I/O: the same
 * figure driveAmong gives for the pair. Null when ROUTING_URL names a service (its times come in tables).
 */
export function directDrive(env: NodeJS.ProcessEnv = process.env): DriveMinutes | null {
  if (env.ROUTING_URL?.trim()) return null;
  if (!estimate) {
    const trip = estimatedTrip();
    estimate = (from, to) => wholeMinutes(trip(from, to).minutes);
  }
  return estimate;
}

/** A drive asked for between points no matrix was fetched for: the caller fetches again and retries. */
export class DriveNotFetched extends Error {
  override name = 'DriveNotFetched';
}

const keyOf = (p: Point) => `${p.lat},${p.lng}`;

/** A matrix entry as the product counts it: whole minutes, rounded up (a float's dust ignored). Placement and the planner both use it. */
export const wholeMinutes = (minutes: number) => Math.ceil(minutes - 1e-9);

/** Whole minutes between any two of `points` (rounded up), from one matrix. */
export async function driveAmong(travel: TravelTimes, points: Point[]): Promise<DriveMinutes> {
  const unique = [...new Map(points.map((p) => [keyOf(p), { lat: p.lat, lng: p.lng }])).values()];
  const { minutes } = await travel.matrix(unique);
  const index = new Map(unique.map((p, i) => [keyOf(p), i]));
  return (from, to) => {
    const i = index.get(keyOf(from));
    const j = index.get(keyOf(to));
    const m = i === undefined || j === undefined ? undefined : minutes[i]?.[j];
    if (m === undefined) throw new DriveNotFetched(`no drive time fetched from ${keyOf(from)} to ${keyOf(to)}`);
    return wholeMinutes(m);
  };
}

/** The drives placing `jobId` in `proId`'s day can need: home, the day's visits and the job. Read outside any transaction. */
export async function drivesForPlacing(db: DbOrTx, travel: TravelTimes, jobId: string, proId: string): Promise<DriveMinutes> {
  const found = await loadJobForPro(db, jobId, proId);
  if (!found) return () => 0; // unscheduled: no visit is placed, no drive is asked for
  const day = await loadProDay(db, proId, found.date, jobId);
  if (!day) return () => 0;
  return driveAmong(travel, [day.home, found.job.point, ...day.stops.map((s) => s.point)]);
}
