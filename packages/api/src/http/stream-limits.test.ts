/**
 * Issue 20, item 6, on the node server: live streams are capped per session (429 beyond), and signing
 * out in one process ends that session's streams in another at once.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppServer, type AppServer } from '../server';
import { createTestApi, type TestApi } from '../test/fixtures';
import { DEFAULT_STREAMS_PER_SESSION } from './stream-limits';

let api: TestApi;
let other: AppServer;
let server: Server;
let origin: string;

beforeAll(async () => {
  api = await createTestApi({ app: 'portal' });
  // A second process of the portal (another worker, or the other app) on the same database.
  other = createAppServer({
    app: 'portal',
    handle: api.t,
    clock: api.clock,
    env: { NODE_ENV: 'test', CUSTOMER_ORIGIN: 'http://customer.test' },
  });
  server = createServer((req, res) => {
    if (other.handleNode(req, res)) return;
    res.writeHead(404).end('fallback');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server?.closeAllConnections();
  server?.close();
  await api?.close();
});

const open = (cookie: string) => {
  const controller = new AbortController();
  const response = fetch(`${origin}/api/trpc/live.jobChanges`, { headers: { cookie }, signal: controller.signal });
  return { response, abort: () => controller.abort() };
};

/** Reads the stream until it ends; resolves with what it said. */
async function untilEnd(response: Response, timeoutMs: number): Promise<string> {
  const reader = response.body!.getReader();
  let text = '';
  const deadline = setTimeout(() => void reader.cancel(), timeoutMs);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return text;
      text += new TextDecoder().decode(value);
    }
  } finally {
    clearTimeout(deadline);
  }
}

describe('live streams', () => {
  it(`holds at most ${DEFAULT_STREAMS_PER_SESSION} per session; the next is a 429 until one closes`, async () => {
    const pro = await api.pro();
    const cookie = `h2s_portal_session=${pro.token}`;
    const streams = Array.from({ length: DEFAULT_STREAMS_PER_SESSION }, () => open(cookie));
    for (const stream of streams) expect((await stream.response).status).toBe(200);
    const extra = await fetch(`${origin}/api/trpc/live.jobChanges`, { headers: { cookie } });
    expect(extra.status).toBe(429);
    expect(await extra.json()).toMatchObject({ error: { data: { code: 'TOO_MANY_REQUESTS' } } });
    // Another session is not affected.
    const someoneElse = await api.pro();
    const theirs = open(`h2s_portal_session=${someoneElse.token}`);
    expect((await theirs.response).status).toBe(200);
    theirs.abort();
    streams[0]!.abort();
    await new Promise((r) => setTimeout(r, 200));
    const again = open(cookie);
    expect((await again.response).status).toBe(200);
    for (const stream of [...streams, again]) stream.abort();
  });

  it('ends a session stream in this process as soon as the session signs out in another', async () => {
    const pro = await api.pro();
    const cookie = `h2s_portal_session=${pro.token}`;
    const stream = open(cookie);
    const response = await stream.response;
    expect(response.status).toBe(200);
    const started = Date.now();
    const ended = untilEnd(response, 10_000);
    await new Promise((r) => setTimeout(r, 300));
    const logout = await api.server.handlePlainTrpc(
      new Request('http://portal.test/api/trpc/auth.logout', {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json' },
        body: '{}',
      }),
    );
    expect(logout.status).toBe(200);
    expect(await ended).toContain('event: return');
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
