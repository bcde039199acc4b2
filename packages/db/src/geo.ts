import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const zipcodes = require('zipcodes') as {
  lookup(zip: string): { zip: string; latitude: number; longitude: number; city: string; state: string; country: string } | undefined;
};
const zipTimezone = require('zipcode-to-timezone') as { lookup(zip: string): string | null };

export interface PostalPlace {
  postalCode: string;
  city: string;
  state: string;
  lat: number;
  lng: number;
  timezone: string;
}

/** A US ZIP code's centroid, city and IANA timezone, from offline data packages; null when unknown. */
export function lookupPostalCode(postalCode: string): PostalPlace | null {
  const zip = postalCode.trim().slice(0, 5);
  if (!/^\d{5}$/.test(zip)) return null;
  const place = zipcodes.lookup(zip);
  if (!place || place.country !== 'US') return null;
  const timezone = zipTimezone.lookup(zip);
  if (!timezone) return null;
  return { postalCode: zip, city: place.city, state: place.state, lat: place.latitude, lng: place.longitude, timezone };
}
