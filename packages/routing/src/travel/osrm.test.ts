import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { osrmTravelTimes } from './osrm';

/**
 * A fake of OSRM's table service over points on a line of longitude: between two points, 60 s and
 * 1000 m per 0.001° of longitude. Like OSRM at its default --max-table-size of 100, it refuses a
 * table of more than 100 sources × 100 destinations (all the coordinates when the request names none).
 */
let server: Server;
let base = '';
const requests: string[] = [];
let mode: 'ok' | 'error' | 'unroutable' | 'slow' = 'ok';
const MAX_TABLE_SIZE = 100;

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    requests.push(req.url ?? '');
    const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const url = new URL(req.url ?? '', 'http://fake');
    const match = /^\/osrm\/table\/v1\/driving\/([^/]+)$/.exec(url.pathname);
    if (!match || url.searchParams.get('annotations') !== 'duration,distance') {
      send(400, { code: 'InvalidUrl', message: 'URL string malformed' });
      return;
    }
    const lngs = decodeURIComponent(match[1]!)
      .split(';')
      .map((pair) => Number(pair.split(',')[0]));
    const indexes = (name: string) => url.searchParams.get(name)?.split(';').map(Number) ?? lngs.map((_, i) => i);
    const sources = indexes('sources');
    const destinations = indexes('destinations');
    if (mode === 'slow') return; // never answers
    if (mode === 'error' || sources.length * destinations.length > MAX_TABLE_SIZE * MAX_TABLE_SIZE) {
      send(400, { code: 'TooBig', message: 'Too many table coordinates' });
      return;
    }
    const grid = (unit: number) =>
      sources.map((i) =>
        destinations.map((j) =>
          mode === 'unroutable' && lngs[i] === -87.7 && lngs[j] === -87.699
            ? null
            : unit * Math.round(Math.abs(lngs[i]! - lngs[j]!) * 1000),
        ),
      );
    send(200, { code: 'Ok', durations: grid(60), distances: grid(1000) });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/osrm/`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
});

/** Point k sits k × 0.001° of longitude east of the first: k minutes and k km from it. */
const onLine = (count: number) => Array.from({ length: count }, (_, k) => ({ lat: 41.88, lng: Number((-87.7 + k / 1000).toFixed(3)) }));
const points = onLine(3);

describe('osrmTravelTimes', () => {
  it('asks the table service with lng,lat pairs and converts seconds and metres', async () => {
    mode = 'ok';
    const { minutes, km } = await osrmTravelTimes(base).matrix(points);
    expect(requests.at(-1)).toBe(
      '/osrm/table/v1/driving/-87.700000,41.880000;-87.699000,41.880000;-87.698000,41.880000?annotations=duration,distance',
    );
    expect(minutes).toEqual([
      [0, 1, 2],
      [1, 0, 1],
      [2, 1, 0],
    ]);
    expect(km[0]![2]).toBe(2);
  });

  it('asks for a matrix over the table size in blocks of at most 100 sources × 100 destinations, and assembles it', async () => {
    mode = 'ok';
    const many = onLine(250);
    // One request for all of it is what OSRM refuses.
    await expect(osrmTravelTimes(base, { maxTableSize: 1000 }).matrix(many)).rejects.toThrow(/TooBig/);
    const count = requests.length;
    const { minutes, km } = await osrmTravelTimes(base).matrix(many);
    const sent = requests.slice(count).map((r) => new URL(r, 'http://fake'));
    expect(sent).toHaveLength(9); // runs of 100, 100 and 50: every pair of runs
    for (const url of sent) {
      const named = (name: string) => url.searchParams.get(name)?.split(';').length;
      const coordinates = url.pathname.split('/').at(-1)!.split(';').length;
      expect((named('sources') ?? coordinates) * (named('destinations') ?? coordinates)).toBeLessThanOrEqual(100 * 100);
    }
    const expected = many.map((_, i) => many.map((__, j) => Math.abs(i - j)));
    expect(minutes).toEqual(expected);
    expect(km).toEqual(expected);
  });

  it('names the pair with no route in the whole matrix when asking in blocks', async () => {
    mode = 'unroutable';
    // Blocks of one point: the missing route is the only cell of the block from point 0 to point 1.
    await expect(osrmTravelTimes(base, { maxTableSize: 1 }).matrix(onLine(3))).rejects.toThrow(/no route from point 0 to point 1 /);
    mode = 'ok';
  });

  it('reports what the service said when it refuses', async () => {
    mode = 'error';
    await expect(osrmTravelTimes(base).matrix(points)).rejects.toThrow(/400 TooBig: Too many table coordinates/);
  });

  it('names the pair with no route', async () => {
    mode = 'unroutable';
    await expect(osrmTravelTimes(base).matrix(points)).rejects.toThrow(/no route from point 0 to point 1/);
  });

  it('gives up after the timeout', async () => {
    mode = 'slow';
    await expect(osrmTravelTimes(base, { timeoutMs: 200 }).matrix(points)).rejects.toThrow(/failed/);
  });

  it('needs no request for zero or one point, and refuses a bad URL', async () => {
    const count = requests.length;
    expect(await osrmTravelTimes(base).matrix([points[0]!])).toEqual({ minutes: [[0]], km: [[0]] });
    expect(requests.length).toBe(count);
    expect(() => osrmTravelTimes('not a url')).toThrow(/ROUTING_URL/);
    expect(() => osrmTravelTimes('ftp://x')).toThrow(/ROUTING_URL/);
  });
});
