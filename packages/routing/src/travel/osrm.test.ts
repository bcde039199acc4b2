import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { osrmTravelTimes } from './osrm';

/** A fake of OSRM's table service: durations = 60 s × |i - j|, distances = 1000 m × |i - j|. */
let server: Server;
let base = '';
const requests: string[] = [];
let mode: 'ok' | 'error' | 'unroutable' | 'slow' = 'ok';

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    requests.push(req.url ?? '');
    const match = /^\/osrm\/table\/v1\/driving\/([^?]+)\?annotations=duration,distance$/.exec(req.url ?? '');
    if (!match) {
      res
        .writeHead(400, { 'content-type': 'application/json' })
        .end(JSON.stringify({ code: 'InvalidUrl', message: 'URL string malformed' }));
      return;
    }
    const n = match[1]!.split(';').length;
    if (mode === 'slow') return; // never answers
    if (mode === 'error') {
      res
        .writeHead(400, { 'content-type': 'application/json' })
        .end(JSON.stringify({ code: 'TooBig', message: 'Too many table coordinates' }));
      return;
    }
    const grid = (unit: number) =>
      Array.from({ length: n }, (_, i) =>
        Array.from({ length: n }, (_, j) => (mode === 'unroutable' && i === 0 && j === 1 ? null : unit * Math.abs(i - j))),
      );
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ code: 'Ok', durations: grid(60), distances: grid(1000) }));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/osrm/`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
});

const points = [
  { lat: 41.8858, lng: -87.6181 },
  { lat: 41.9786, lng: -87.9048 },
  { lat: 41.7, lng: -87.7 },
];

describe('osrmTravelTimes', () => {
  it('asks the table service with lng,lat pairs and converts seconds and metres', async () => {
    mode = 'ok';
    const { minutes, km } = await osrmTravelTimes(base).matrix(points);
    expect(requests.at(-1)).toBe(
      '/osrm/table/v1/driving/-87.618100,41.885800;-87.904800,41.978600;-87.700000,41.700000?annotations=duration,distance',
    );
    expect(minutes).toEqual([
      [0, 1, 2],
      [1, 0, 1],
      [2, 1, 0],
    ]);
    expect(km[0]![2]).toBe(2);
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
