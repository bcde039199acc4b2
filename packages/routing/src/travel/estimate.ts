/**
 * Travel times estimated from coordinates: great-circle distance × a circuity factor (roads are
 * longer than the straight line), driven at a speed that depends on the trip's length (short trips
 * stay on local streets, long ones reach arterials and highways).
 */
import type { Point, TravelTimes } from './types';

export const EARTH_RADIUS_KM = 6371.0088;

/**
 * Defaults: circuity 1.3 (road distance over great-circle distance; US metro averages are reported
 * around 1.2–1.4, e.g. Ballou et al. 2002, Giacomin & Levinson 2015) and speeds by band of road
 * distance, taken cumulatively: a trip's first 3 km at 25 km/h, its km from 3 to 10 at 35 km/h, from
 * 10 to 30 at 50 km/h, beyond at 70 km/h (so a longer trip never takes less time).
 */
export const DEFAULT_CIRCUITY = 1.3;
export const DEFAULT_SPEED_BANDS: readonly { uptoKm: number; kmh: number }[] = [
  { uptoKm: 3, kmh: 25 },
  { uptoKm: 10, kmh: 35 },
  { uptoKm: 30, kmh: 50 },
  { uptoKm: Infinity, kmh: 70 },
];

export function greatCircleKm(a: Point, b: Point): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

export interface EstimateOptions {
  circuity?: number;
  bands?: { uptoKm: number; kmh: number }[];
}

/** Road km and minutes between two points, as estimatedTravelTimes' matrices hold them; no matrix needed. */
export function estimatedTrip(options: EstimateOptions = {}): (a: Point, b: Point) => { km: number; minutes: number } {
  const circuity = options.circuity ?? DEFAULT_CIRCUITY;
  if (!Number.isFinite(circuity) || circuity < 1) throw new RangeError(`circuity: must be a number ≥ 1 (got ${circuity})`);
  const bands = [...(options.bands ?? DEFAULT_SPEED_BANDS)].sort((x, y) => x.uptoKm - y.uptoKm);
  if (bands.length === 0) throw new RangeError('bands: needs at least one band');
  bands.forEach((b, i) => {
    if (!(b.kmh > 0) || !Number.isFinite(b.kmh)) throw new RangeError(`bands[${i}].kmh: must be a positive number`);
    if (!(b.uptoKm > 0)) throw new RangeError(`bands[${i}].uptoKm: must be positive`);
  });
  const minutesFor = (km: number): number => {
    let minutes = 0;
    let from = 0;
    for (const band of bands) {
      const upto = Math.min(km, band.uptoKm);
      if (upto > from) minutes += ((upto - from) / band.kmh) * 60;
      from = band.uptoKm;
      if (km <= from) return minutes;
    }
    return minutes + ((km - from) / bands[bands.length - 1]!.kmh) * 60;
  };
  return (a, b) => {
    const km = greatCircleKm(a, b) * circuity;
    return { km, minutes: minutesFor(km) };
  };
}

export function estimatedTravelTimes(options: EstimateOptions = {}): TravelTimes {
  const trip = estimatedTrip(options);
  return {
    matrix(points) {
      points.forEach((p, i) => {
        if (!Number.isFinite(p.lat) || Math.abs(p.lat) > 90) throw new RangeError(`points[${i}].lat: must be a latitude in -90..90`);
        if (!Number.isFinite(p.lng) || Math.abs(p.lng) > 180) throw new RangeError(`points[${i}].lng: must be a longitude in -180..180`);
      });
      const trips = points.map((a) => points.map((b) => trip(a, b)));
      return Promise.resolve({ minutes: trips.map((row) => row.map((t) => t.minutes)), km: trips.map((row) => row.map((t) => t.km)) });
    },
  };
}
