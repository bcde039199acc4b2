/**
 * Issue 20, items 3, 4 and 8 over real HTTP, on both paths the apps serve (the node:http server and
 * SvelteKit's route, i.e. tRPC's fetch adapter): batch bounds, sign-in never batched, multipart only
 * where it is streamed, and /healthz + /readyz.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordHeartbeat } from '@h2s/db';
import { createTestApi, type TestApi } from '../test/fixtures';
import { tinyPng } from '../test/images';

let api: TestApi;
const servers: Server[] = [];
const origins: Record<'node' | 'kit', string> = { node: '', kit: '' };

/** SvelteKit's route as the apps run it: the request as a web Request, answered by handleTrpc. */
async function kitRoute(req: IncomingMessage, res: ServerResponse) {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value);
  const url = `http://${req.headers.host}${req.url}`;
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  const request = new Request(url, {
    method: req.method,
    headers,
    body: hasBody ? (ReadableStreamFrom(req) as BodyInit) : undefined,
    ...(hasBody ? { duplex: 'half' } : {}),
  } as RequestInit);
  const response = (await api.server.health(request)) ?? (await api.server.handlePlainTrpc(request));
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
}

const ReadableStreamFrom = (req: IncomingMessage) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      req.on('data', (chunk: Buffer) => controller.enqueue(new Uint8Array(chunk)));
      req.on('end', () => controller.close());
      req.on('error', (error) => controller.error(error));
    },
  });

async function listen(node: boolean): Promise<string> {
  const server = createServer((req, res) => {
    if (node && api.server.handleNode(req, res)) return;
    void kitRoute(req, res);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  api = await createTestApi({ app: 'portal' });
  origins.node = await listen(true);
  origins.kit = await listen(false);
});
afterAll(async () => {
  for (const server of servers) server.close();
  await api?.close();
});

const failures = async () => (await api.t.sql`select count(*)::int as n from login_failures`)[0]!.n as number;
const messageOf = async (response: Response) => ((await response.json()) as { error: { message: string } }).error.message;

describe.each(['node', 'kit'] as const)('the %s path', (path) => {
  it('answers a batch of 10 calls and refuses one of 11 with 400 saying why', async () => {
    const batch = (n: number) => `${origins[path]}/api/trpc/${Array(n).fill('catalog.list').join(',')}?batch=1`;
    expect((await fetch(batch(10))).status).toBe(200);
    const refused = await fetch(batch(11));
    expect(refused.status).toBe(400);
    expect(await messageOf(refused)).toMatch(/at most 10 calls; this one has 11/);
    const huge = await fetch(`${origins[path]}/api/trpc/${Array(1400).fill('auth.login').join(',')}?batch=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(Object.fromEntries(Array.from({ length: 1400 }, (_, i) => [i, { email: 'a@b.c', password: 'x' }]))),
    });
    expect(huge.status).toBe(400);
  });

  it('never runs a sign-in inside a batch of more than one, and writes nothing for it', async () => {
    const before = await failures();
    const refused = await fetch(`${origins[path]}/api/trpc/auth.login,auth.login?batch=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ 0: { email: 'x@pros.test', password: 'wrong' }, 1: { email: 'y@pros.test', password: 'wrong' } }),
    });
    expect(refused.status).toBe(400);
    expect(await messageOf(refused)).toMatch(/auth\.login is never batched/);
    for (const spelling of ['catalog.list,account.requestLink', 'catalog.list,auth.checkoutSession']) {
      const mixed = await fetch(`${origins[path]}/api/trpc/${encodeURIComponent(spelling)}?batch=1`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(mixed.status, spelling).toBe(400);
    }
    expect(await failures()).toBe(before);
    // Alone (a batch of one, as the client sends it) it is answered.
    const alone = await fetch(`${origins[path]}/api/trpc/auth.login?batch=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ 0: { email: 'x@pros.test', password: 'wrong' } }),
    });
    expect(alone.status).toBe(401);
  });

  it('refuses multipart with 415 on every spelling but the streamed upload path', async () => {
    const form = () => {
      const body = new FormData();
      body.set('sessionId', 'cs_test_nobody');
      body.set('file', new File([tinyPng([1, 2, 3])], 'a.png', { type: 'image/png' }));
      return body;
    };
    for (const spelling of [
      'uploads%2Ecreate',
      'uploads%2ecreate',
      'uploads.create?batch=1',
      'uploads.create,uploads.create?batch=1',
      'catalog.list',
      'auth.login',
    ]) {
      const response = await fetch(`${origins[path]}/api/trpc/${spelling}`, { method: 'POST', body: form() });
      expect(response.status, spelling).toBe(415);
      expect(await messageOf(response)).toMatch(/Only POST \/api\/trpc\/uploads\.create takes a multipart body/);
    }
    const urlencoded = await fetch(`${origins[path]}/api/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=a%40b.c&password=x',
    });
    expect(urlencoded.status).toBe(415);
    // The streamed path itself still takes it (and answers as tRPC: no such checkout).
    const streamed = await fetch(`${origins[path]}/api/trpc/uploads.create`, { method: 'POST', body: form() });
    expect(streamed.status).not.toBe(415);
  });

  it('answers /healthz always and /readyz with 503 until a worker beats, then 200', async () => {
    const health = await fetch(`${origins[path]}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    await api.t.sql`delete from worker_heartbeats`;
    const notReady = await fetch(`${origins[path]}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toMatchObject({
      status: 'not ready',
      checks: { database: 'ok', migrations: 'current', worker: 'never seen' },
    });
    await recordHeartbeat(api.t.db, 'test-worker');
    const ready = await fetch(`${origins[path]}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { worker: 'ok' } });
    await api.t.sql`update worker_heartbeats set beat_at = now() - interval '5 minutes'`;
    const stale = await fetch(`${origins[path]}/readyz`);
    expect(stale.status).toBe(503);
    expect(await stale.json()).toMatchObject({ checks: { worker: 'stale' } });
  });
});
