/**
 * The node:http hot path (issue 13) must be invisible to clients: every request here is sent both to
 * a server that takes the hot path (falling back to tRPC's fetch adapter for what it does not take,
 * as the built apps do) and to one that always uses the fetch adapter, and the answers must match:
 * status, body, content type and the cookies set.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_UPLOAD_BYTES } from '@h2s/db';
import { createTestApi, type TestApi } from '../test/fixtures';
import { tinyPng } from '../test/images';

let api: TestApi;
let hot: { origin: string; server: Server; taken: string[] };
let plain: { origin: string; server: Server; taken: string[] };
let proCookie: string;
let proEmail: string;

/** A node request as a web Request, for the fetch adapter (what SvelteKit does in the apps). */
async function fallback(req: IncomingMessage, res: ServerResponse, server: TestApi['server']) {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value);
  const body = chunks.length ? Buffer.concat(chunks) : undefined;
  const response = await server.handlePlainTrpc(
    new Request(`http://${req.headers.host}${req.url}`, { method: req.method, headers, body: req.method === 'GET' ? undefined : body }),
  );
  const out: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') out[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length) out['set-cookie'] = cookies;
  res.writeHead(response.status, out);
  res.end(Buffer.from(await response.arrayBuffer()));
}

async function listen(useHotPath: boolean) {
  const taken: string[] = [];
  const server = createServer((req, res) => {
    // The built apps' node:http server: every /api/trpc request is answered there; `taken` lists the
    // ones a lane of our own answered (the rest went through tRPC's node adapter).
    const lane = useHotPath ? api.server.handleNode(req, res) : false;
    if (lane) {
      if (lane !== 'trpc') taken.push(`${req.method} ${req.url?.split('?')[0]}`);
      return;
    }
    void fallback(req, res, api.server);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, taken };
}

beforeAll(async () => {
  api = await createTestApi({ app: 'portal' });
  const pro = await api.pro({ name: 'Pat Hot', postalCode: '60601' });
  proCookie = `h2s_portal_session=${pro.token}`;
  proEmail = pro.email;
  await api.paidOrder();
  hot = await listen(true);
  plain = await listen(false);
});
afterAll(async () => {
  hot?.server.close();
  plain?.server.close();
  await api?.close();
});

interface Answer {
  status: number;
  contentType: string | null;
  body: unknown;
  setCookie: string[];
  headers: Headers;
}

async function send(origin: string, method: string, path: string, init: { headers?: Record<string, string>; body?: string } = {}) {
  const response = await fetch(origin + path, { method, headers: init.headers, body: init.body });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: compared as text
  }
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body,
    // Session tokens are random: compare the cookie's name and attributes.
    setCookie: response.headers.getSetCookie().map((c) => c.replace(/^([^=]+)=[^;]+;/, '$1=<value>;')),
    headers: response.headers,
  } satisfies Answer;
}

async function both(method: string, path: string, init: { headers?: Record<string, string>; body?: string } = {}) {
  const withHost = (origin: string) => (init.headers?.origin === 'SELF' ? { ...init, headers: { ...init.headers, origin } } : init);
  const a = await send(hot.origin, method, path, withHost(hot.origin));
  const b = await send(plain.origin, method, path, withHost(plain.origin));
  expect({ status: a.status, contentType: a.contentType, body: a.body, setCookie: a.setCookie }).toEqual({
    status: b.status,
    contentType: b.contentType,
    body: b.body,
    setCookie: b.setCookie,
  });
  return a;
}

const q = (path: string, input?: unknown) =>
  `/api/trpc/${path}${input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`}`;
const json = { 'content-type': 'application/json' };

describe('the node:http hot path answers exactly as tRPC does', () => {
  it('serves public and signed-in queries, and says why a query is refused', async () => {
    const catalog = await both('GET', q('catalog.list'));
    expect(catalog.status).toBe(200);
    expect((catalog.body as { result: { data: { bundles: unknown[] } } }).result.data.bundles.length).toBeGreaterThan(0);

    const me = await both('GET', q('auth.me'), { headers: { cookie: proCookie } });
    expect(me.body).toMatchObject({ result: { data: { user: { email: proEmail, role: 'pro' } } } });

    const offers = await both('GET', q('offers.list'), { headers: { cookie: proCookie } });
    expect(offers.status).toBe(200);

    expect((await both('GET', q('auth.me'))).status).toBe(200);
    // A stale cookie is cleared, the same way on both paths.
    const stale = await both('GET', q('auth.me'), { headers: { cookie: 'h2s_portal_session=not-a-session' } });
    expect(stale.setCookie).toEqual(['h2s_portal_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax']);

    // A cookie that is not valid %-encoding is an unknown session, not a crash.
    expect((await both('GET', q('auth.me'), { headers: { cookie: 'h2s_portal_session=%E0%A4%A' } })).status).toBe(200);
    expect((await both('GET', q('admin.pros', {}), { headers: { cookie: proCookie } })).status).toBe(403);
    expect((await both('GET', q('jobs.mine'))).status).toBe(401);
    const badId = await both('GET', q('jobs.get', { jobId: 'nope' }), { headers: { cookie: proCookie } });
    expect(badId.status).toBe(400);
    expect(badId.body).toMatchObject({ error: { data: { code: 'BAD_REQUEST', fieldErrors: { jobId: expect.any(String) } } } });
    // Input is read after the sign-in check, as tRPC does: signed out, malformed input is still a 401.
    expect((await both('GET', '/api/trpc/jobs.get?input=%7Bnot-json')).status).toBe(401);
    expect((await both('GET', '/api/trpc/jobs.get?input=%7Bnot-json', { headers: { cookie: proCookie } })).status).toBe(400);
  });

  it('serves mutations: sign-in sets the cookie, bad input names the field, other sites are refused', async () => {
    const wrong = await both('POST', '/api/trpc/auth.login', {
      headers: { ...json, origin: 'SELF' },
      body: JSON.stringify({ email: proEmail, password: 'not it at all' }),
    });
    expect(wrong.status).toBe(401);
    const ok = await both('POST', '/api/trpc/auth.login', {
      headers: { ...json, origin: 'SELF' },
      body: JSON.stringify({ email: proEmail, password: 'correct horse battery' }),
    });
    expect(ok.status).toBe(200);
    expect(ok.setCookie).toEqual([expect.stringMatching(/^h2s_portal_session=<value>; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Lax$/)]);

    const noEmail = await both('POST', '/api/trpc/auth.login', { headers: json, body: JSON.stringify({ password: 'x' }) });
    expect(noEmail.body).toMatchObject({ error: { data: { fieldErrors: { email: expect.any(String) } } } });

    const crossSite = await both('POST', '/api/trpc/auth.logout', {
      headers: { ...json, origin: 'http://evil.example', cookie: proCookie },
      body: '',
    });
    expect(crossSite.status).toBe(403);
    // Still signed in: the refused sign-out did nothing.
    expect((await both('GET', q('auth.me'), { headers: { cookie: proCookie } })).body).toMatchObject({
      result: { data: { user: { role: 'pro' } } },
    });

    // Declared too large: refused before the body is read (the client may still be sending).
    const tooBig = await new Promise<{ status: number; body: string; connection?: string }>((resolve, reject) => {
      const req = request(`${hot.origin}/api/trpc/auth.login`, {
        method: 'POST',
        headers: { ...json, 'content-length': String(MAX_UPLOAD_BYTES * 2) },
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, connection: res.headers.connection }));
      });
      req.on('error', reject);
      req.write('x'.repeat(16));
    });
    expect(tooBig.status).toBe(413);
    expect(JSON.parse(tooBig.body)).toMatchObject({ error: { data: { code: 'PAYLOAD_TOO_LARGE', httpStatus: 413 } } });
  });

  it('takes single calls only; batches, wrong methods and unknown paths get tRPC’s own answers', async () => {
    hot.taken.length = 0;
    await both('GET', q('catalog.list'));
    await both('GET', '/api/trpc/catalog.list,auth.me?batch=1&input=%7B%7D');
    expect((await both('GET', q('auth.logout'))).status).toBe(405);
    expect((await both('GET', q('no.such'))).status).toBe(404);
    expect((await both('POST', '/api/trpc/catalog.list', { headers: json, body: '' })).status).toBe(405);
    expect(hot.taken).toEqual(['GET /api/trpc/catalog.list']);
  });

  it('serves live subscriptions from the live hub', async () => {
    hot.taken.length = 0;
    const controller = new AbortController();
    const response = await fetch(`${hot.origin}/api/trpc/live.jobChanges`, {
      headers: { cookie: proCookie, accept: 'text/event-stream' },
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const reader = response.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain('event: connected');
    await expect.poll(() => api.server.liveHub.size).toBe(1);
    controller.abort();
    await expect.poll(() => api.server.liveHub.size).toBe(0);
    expect(hot.taken).toEqual(['GET /api/trpc/live.jobChanges']);
  });

  it('streams photo uploads (multipart) and refuses bad ones as tRPC does', async () => {
    const pro = await api.pro({ name: 'Uma Upload', postalCode: '60601' });
    const order = await api.paidOrder();
    const c = await api.caller(pro);
    await c.jobs.accept({ jobId: order.jobId });
    await c.jobs.depart({ jobId: order.jobId });
    await c.jobs.start({ jobId: order.jobId });
    const cookie = `h2s_portal_session=${pro.token}`;
    const form = (fields: Record<string, string>, file?: Uint8Array<ArrayBuffer>) => {
      const body = new FormData();
      for (const [k, v] of Object.entries(fields)) body.set(k, v);
      if (file) body.set('file', new File([file], 'after.png', { type: 'image/png' }));
      return body;
    };
    const post = async (origin: string, body: FormData, headers: Record<string, string> = {}) => {
      const response = await fetch(`${origin}/api/trpc/uploads.create`, { method: 'POST', body, headers });
      return { status: response.status, body: (await response.json()) as unknown };
    };

    hot.taken.length = 0;
    const stored = await post(hot.origin, form({ jobId: order.jobId, kind: 'after' }, tinyPng([10, 200, 30])), { cookie });
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({ result: { data: { duplicate: false, upload: { jobId: order.jobId, kind: 'after' } } } });
    expect(hot.taken).toEqual(['POST /api/trpc/uploads.create']);
    expect((await c.uploads.list({ jobId: order.jobId })).uploads.filter((u) => u.kind === 'after')).toHaveLength(1);

    // Refusals: the same status and body on both paths.
    const twoFiles = form({ jobId: order.jobId, kind: 'after' }, tinyPng([5, 6, 7]));
    twoFiles.append('file', new File([tinyPng([7, 8, 9])], 'second.png', { type: 'image/png' }));
    const cases: [FormData, Record<string, string>][] = [
      [form({ jobId: order.jobId, kind: 'after' }, tinyPng([1, 2, 3])), {}], // signed out
      [form({ jobId: order.jobId, kind: 'before' }, tinyPng([1, 2, 4])), { cookie }], // wrong kind
      [form({ jobId: order.jobId, kind: 'after' }), { cookie }], // no file
      [form({ jobId: order.jobId, kind: 'after' }, new TextEncoder().encode('not an image at all')), { cookie }],
      [twoFiles, { cookie }], // refused while parsing; the rest of the body is read and dropped
    ];
    for (const [body, headers] of cases) {
      const a = await post(hot.origin, body, headers);
      const b = await post(plain.origin, body, headers);
      expect(a).toEqual(b);
      expect(a.status).toBeGreaterThanOrEqual(400);
    }
  });

  it('after refusing an upload, does not read an endless rest: the connection is cut after the answer', async () => {
    const boundary = 'x-boundary-1234';
    const part = (name: string) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: image/png\r\n\r\n`;
    // Two files (refused: one photo at a time), the second never ending.
    const head = Buffer.concat([Buffer.from(part('a.png')), Buffer.from(tinyPng([1, 1, 1])), Buffer.from(`\r\n${part('b.png')}`)]);
    const chunk = Buffer.alloc(1024 * 1024, 120);
    const limit = MAX_UPLOAD_BYTES * 4;
    const outcome = await new Promise<{ status: number | null; written: number }>((resolve) => {
      let status: number | null = null;
      let written = 0;
      let closed = false;
      const req = request(`${hot.origin}/api/trpc/uploads.create`, {
        method: 'POST',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'transfer-encoding': 'chunked' },
      });
      req.on('response', (res) => {
        status = res.statusCode ?? null;
        res.resume();
      });
      const done = () => {
        if (closed) return;
        closed = true;
        resolve({ status, written });
      };
      req.on('error', done);
      req.on('close', done);
      req.write(head);
      const pump = () => {
        while (!closed && written < limit) {
          written += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        if (!closed) req.end();
      };
      pump();
    });
    expect(outcome.status).toBe(400);
    expect(outcome.written).toBeLessThan(limit);
  });

  it('sends the security headers the pages carry', async () => {
    const answer = await send(hot.origin, 'GET', q('catalog.list'));
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('x-frame-options')).toBe('DENY');
    expect(answer.headers.get('referrer-policy')).toBe('same-origin');
    expect(answer.headers.get('vary')).toBe('trpc-accept, accept');
  });
});
