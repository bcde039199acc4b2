/**
 * A client for an OSRM-compatible `table` service (OSRM's HTTP API v1):
 * `GET {baseUrl}/table/v1/driving/{lng},{lat};...?annotations=duration,distance` answers
 * `{ code: "Ok", durations: seconds[][], distances: metres[][] }`.
 */
import type { Point, TravelTimes } from './types';

export interface OsrmOptions {
  fetch?: typeof fetch;
  /** Per request (default 10 s). */
  timeoutMs?: number;
  /** Routing profile in the URL (default `driving`). */
  profile?: string;
}

export function osrmTravelTimes(baseUrl: string, options: OsrmOptions = {}): TravelTimes {
  let base: URL;
  try {
    base = new URL(baseUrl);
  } catch {
    throw new RangeError(`ROUTING_URL: not a URL (got "${baseUrl}")`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new RangeError(`ROUTING_URL: must be http(s) (got "${baseUrl}")`);
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const profile = options.profile ?? 'driving';
  const prefix = base.href.replace(/\/+$/, '');
  return {
    async matrix(points: Point[]) {
      if (points.length === 0) return { minutes: [], km: [] };
      points.forEach((p, i) => {
        if (!Number.isFinite(p.lat) || !Number.isFinite(p.lng)) throw new RangeError(`points[${i}]: lat and lng must be finite numbers`);
      });
      if (points.length === 1) return { minutes: [[0]], km: [[0]] };
      const coords = points.map((p) => `${p.lng.toFixed(6)},${p.lat.toFixed(6)}`).join(';');
      const url = `${prefix}/table/v1/${encodeURIComponent(profile)}/${coords}?annotations=duration,distance`;
      let response: Response;
      try {
        response = await doFetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
      } catch (error) {
        throw new Error(`OSRM table request to ${base.host} failed: ${(error as Error).message}`, { cause: error });
      }
      const text = await response.text();
      let body: { code?: string; message?: string; durations?: (number | null)[][]; distances?: (number | null)[][] };
      try {
        body = JSON.parse(text) as typeof body;
      } catch {
        throw new Error(`OSRM table answered ${response.status} with a body that is not JSON`);
      }
      if (!response.ok || body.code !== 'Ok') {
        throw new Error(`OSRM table answered ${response.status} ${body.code ?? ''}: ${body.message ?? 'no message'}`.trim());
      }
      const minutes = read(body.durations, 'durations', points.length, 1 / 60);
      const km = read(body.distances, 'distances', points.length, 1 / 1000);
      return { minutes, km };
    },
  };
}

function read(matrix: (number | null)[][] | undefined, name: string, size: number, scale: number): number[][] {
  if (!Array.isArray(matrix) || matrix.length !== size) throw new Error(`OSRM table: "${name}" is missing or not ${size}×${size}`);
  return matrix.map((row, i) => {
    if (!Array.isArray(row) || row.length !== size) throw new Error(`OSRM table: "${name}"[${i}] is not ${size} long`);
    return row.map((v, j) => {
      if (typeof v !== 'number' || !Number.isFinite(v))
        throw new Error(`OSRM table: no route from point ${i} to point ${j} (${name} is ${String(v)})`);
      return v * scale;
    });
  });
}
