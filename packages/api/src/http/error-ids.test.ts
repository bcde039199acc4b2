/**
 * Issue 20, item 8: every 5xx carries an error id, and the log has that id with the error's stack, on
 * every path of the node server: a call, a live subscription, /readyz. The database here is
 * unreachable, so everything that needs it fails.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAppServer, type AppServer } from '../server';

let app: AppServer;
let server: Server;
let origin: string;
const logged: string[] = [];

beforeAll(async () => {
  app = createAppServer({
    app: 'portal',
    env: { NODE_ENV: 'test', DATABASE_URL: 'postgres://nobody@127.0.0.1:1/nothing', CUSTOMER_ORIGIN: 'http://customer.test' },
  });
  server = createServer((req, res) => {
    if (app.handleNode(req, res)) return;
    res.writeHead(404).end('fallback');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const record = (...args: unknown[]) =>
    void logged.push(args.map((a) => (a instanceof Error ? `${a.message}\n${a.stack}` : String(a))).join(' '));
  vi.spyOn(console, 'error').mockImplementation(record);
  vi.spyOn(console, 'warn').mockImplementation(record);
});
afterAll(async () => {
  vi.restoreAllMocks();
  server?.close();
  await app?.close().catch(() => {});
});

/** The id in a 5xx answer, which the log must hold with a stack. */
function expectLogged(errorId: unknown) {
  expect(errorId).toMatch(/^ERR-[0-9A-F]{10}$/);
  const line = logged.find((l) => l.includes(errorId as string));
  expect(line, `no log line for ${String(errorId)}`).toBeDefined();
  expect(line).toMatch(/\n\s+at /);
}

const cookie = { cookie: 'h2s_portal_session=some-session-token' };

describe('5xx answers and the log', () => {
  it('a call that fails on the node path answers with an id the log has', async () => {
    const response = await fetch(`${origin}/api/trpc/auth.me`, { headers: cookie });
    expect(response.status).toBeGreaterThanOrEqual(500);
    const body = (await response.json()) as { error: { data: { errorId?: string } } };
    expectLogged(body.error.data.errorId);
  });

  it('a live subscription that fails before it streams answers with an id the log has', async () => {
    const response = await fetch(`${origin}/api/trpc/live.jobChanges`, { headers: cookie });
    expect(response.status).toBeGreaterThanOrEqual(500);
    const body = (await response.json()) as { error: { data: { errorId?: string } } };
    expectLogged(body.error.data.errorId);
  });

  it('/readyz answers 503 with an id the log has; /healthz still answers 200', async () => {
    const ready = await fetch(`${origin}/readyz`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { checks: { database: string }; errorId: string };
    expect(body.checks.database).toBe('unreachable');
    expectLogged(body.errorId);
    expect((await fetch(`${origin}/healthz`)).status).toBe(200);
  });
});
