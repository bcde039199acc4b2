/**
 * A client for an OSRM-compatible `table` service (OSRM's HTTP API v1):
 * `GET {baseUrl}/table/v1/driving/{lng},{lat};...?annotations=duration,distance` answers
 * `{ code: "Ok", durations: seconds[][], distances: metres[][] }`.
 *
 * OSRM refuses a table of more than `--max-table-size` squared cells (sources × destinations; the
 * default size is 100) with `TooBig`. A larger matrix is asked for in blocks: the points cut into
 * runs of at most `maxTableSize`, and one request per (sources run, destinations run) with those
 * points only and `sources` / `destinations` naming which is which; the blocks are then assembled.
 */
import type { Point, TravelTimes } from './types';

export interface OsrmOptions {
  fetch?: typeof fetch;
  /** Per request (default 10 s). */
  timeoutMs?: number;
  /** Routing profile in the URL (default `driving`). */
  profile?: string;
  /** The service's `--max-table-size` (default 100, OSRM's): a request asks for at most this many sources × as many destinations. */
  maxTableSize?: number;
  /** Block requests in flight at once (default 4). */
  concurrency?: number;
}

interface Block {
  minutes: number[][];
  km: number[][];
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
  const maxTableSize = options.maxTableSize ?? 100;
  if (!Number.isInteger(maxTableSize) || maxTableSize < 1)
    throw new RangeError(`maxTableSize: must be a positive integer (got ${maxTableSize})`);
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const prefix = base.href.replace(/\/+$/, '');

  /** One table request: from each of `from` to each of `to` (the same list: a square table with no sources/destinations). */
  async function table(from: Point[], to: Point[] | null, at: readonly [number, number] = [0, 0]): Promise<Block> {
    const coords = [...from, ...(to ?? [])].map((p) => `${p.lng.toFixed(6)},${p.lat.toFixed(6)}`).join(';');
    const indexes = (start: number, count: number) => Array.from({ length: count }, (_, i) => start + i).join(';');
    const pick = to ? `sources=${indexes(0, from.length)}&destinations=${indexes(from.length, to.length)}&` : '';
    const url = `${prefix}/table/v1/${encodeURIComponent(profile)}/${coords}?${pick}annotations=duration,distance`;
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
    const cols = (to ?? from).length;
    return {
      minutes: read(body.durations, 'durations', from.length, cols, 1 / 60, at),
      km: read(body.distances, 'distances', from.length, cols, 1 / 1000, at),
    };
  }

  return {
    async matrix(points: Point[]) {
      if (points.length === 0) return { minutes: [], km: [] };
      points.forEach((p, i) => {
        if (!Number.isFinite(p.lat) || !Number.isFinite(p.lng)) throw new RangeError(`points[${i}]: lat and lng must be finite numbers`);
      });
      if (points.length === 1) return { minutes: [[0]], km: [[0]] };
      if (points.length <= maxTableSize) return table(points, null);
      const runs: number[] = [];
      for (let start = 0; start < points.length; start += maxTableSize) runs.push(start);
      const n = points.length;
      const minutes = Array.from({ length: n }, () => new Array<number>(n));
      const km = Array.from({ length: n }, () => new Array<number>(n));
      const jobs = runs.flatMap((a) => runs.map((b) => [a, b] as const));
      let next = 0;
      const worker = async () => {
        while (next < jobs.length) {
          const [a, b] = jobs[next++]!;
          const from = points.slice(a, a + maxTableSize);
          const block = await table(from, a === b ? null : points.slice(b, b + maxTableSize), [a, b]);
          block.minutes.forEach((row, i) => row.forEach((v, j) => (minutes[a + i]![b + j] = v)));
          block.km.forEach((row, i) => row.forEach((v, j) => (km[a + i]![b + j] = v)));
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, worker));
      return { minutes, km };
    },
  };
}

/** A block's cells in order; `at` is where the block sits in the whole matrix (for the message naming a pair). */
function read(
  matrix: (number | null)[][] | undefined,
  name: string,
  rows: number,
  cols: number,
  scale: number,
  at: readonly [number, number],
): number[][] {
  if (!Array.isArray(matrix) || matrix.length !== rows) throw new Error(`OSRM table: "${name}" is missing or not ${rows}×${cols}`);
  return matrix.map((row, i) => {
    if (!Array.isArray(row) || row.length !== cols) throw new Error(`OSRM table: "${name}"[${i}] is not ${cols} long`);
    return row.map((v, j) => {
      if (typeof v !== 'number' || !Number.isFinite(v))
        throw new Error(`OSRM table: no route from point ${at[0] + i} to point ${at[1] + j} (${name} is ${String(v)})`);
      return v * scale;
    });
  });
}
