/** Issue 20, item 6: the same-origin check compares the whole origin, scheme included, on both paths. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppServer, type AppServer } from '../server';
import { createTestApi, type TestApi } from '../test/fixtures';
import { sameOriginAs } from './origin';

let api: TestApi;
let app: AppServer;
let server: Server;
let origin: string;

beforeAll(async () => {
  api = await createTestApi({ app: 'portal' });
  server = createServer((req, res) => {
    if (app.handleNode(req, res)) return;
    res.writeHead(404).end('fallback');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // As the built app runs: ORIGIN says this site is http://, on this port.
  app = createAppServer({
    app: 'portal',
    handle: api.t,
    env: { NODE_ENV: 'test', ORIGIN: origin, CUSTOMER_ORIGIN: 'http://customer.test' },
  });
});
afterAll(async () => {
  server?.close();
  await api?.close();
});

const login = { email: 'nobody@pros.test', password: 'wrong password' };

describe('the same-origin check on mutations', () => {
  it('refuses https://host for an http:// site on the node path, and takes the exact origin', async () => {
    const post = (from: string) =>
      fetch(`${origin}/api/trpc/auth.login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: from },
        body: JSON.stringify(login),
      });
    expect((await post(origin.replace('http:', 'https:'))).status).toBe(403);
    expect((await post(origin)).status).toBe(401);
  });

  it('refuses https://host for an http:// site on the fetch path, and takes the exact origin', async () => {
    const post = (from: string) =>
      api.server.handlePlainTrpc(
        new Request('http://portal.test/api/trpc/auth.login', {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: from },
          body: JSON.stringify(login),
        }),
      );
    expect((await post('https://portal.test')).status).toBe(403);
    expect((await post('http://portal.test:8080')).status).toBe(403);
    expect((await post('http://portal.test')).status).toBe(401);
  });

  it('compares scheme, host and port', () => {
    expect(sameOriginAs('https://a.example', 'https://a.example')).toBe(true);
    expect(sameOriginAs('https://a.example', 'http://a.example')).toBe(false);
    expect(sameOriginAs('https://a.example:444', 'https://a.example')).toBe(false);
    expect(sameOriginAs('null', 'https://a.example')).toBe(false);
  });
});
