/**
 * Drive times for a pro's day. The product asks TravelTimes (from @h2s/routing: estimated from
 * coordinates, or an OSRM table when ROUTING_URL is set) for a matrix BEFORE its transaction (no
 * network inside one), then decides with a plain function over it.
 */
import type { DriveMinutes, Point } from './fit';

const EARTH_RADIUS_MILES = 3958.8;

/** Great-circle miles between two points. */
export function crowMiles(a: Point, b: Point): number {
  const rad = Math.PI / 180;
  const h =
    Math.sin(((b.lat - a.lat) * rad) / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(((b.lng - a.lng) * rad) / 2) ** 2;
  return 2 * EARTH_RADIUS_MILES * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Placeholder estimate (1.3 circuity, 30 mph) until @h2s/routing's estimatedTravelTimes is merged. */
export const estimatedDrive: DriveMinutes = (a, b) => Math.ceil((crowMiles(a, b) * 1.3 * 60) / 30);
