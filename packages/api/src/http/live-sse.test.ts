/**
 * The live fan-out on plain node:http, read by the real tRPC client (httpSubscriptionLink over an
 * EventSource), against a real database whose commits NOTIFY.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { EventSource } from 'eventsource';
import { createTRPCClient, httpSubscriptionLink, TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSession } from '../domain/auth';
import { LIVE_CHANNEL, type JobChange } from '../domain/events';
import { SessionStreams, type LiveBus } from '../domain/live';
import { trackingToken } from '../domain/tracking';
import type { AppRouter } from '../root';
import { headerCookieJar } from '../server';
import { createTestApi, type TestApi } from '../test/fixtures';
import { createLiveHub, serveLiveSse, type LiveHub } from './live-sse';

let api: TestApi;
let hub: LiveHub;
let server: Server;
let origin: string;

/** What the lead's node:http fast path does for a live subscription: a context from the cookies, then serveLiveSse. */
async function handle(req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? '/', origin);
  const request = new Request(url, { headers: { cookie: req.headers.cookie ?? '' } });
  const resHeaders = new Headers();
  const ctx = await api.server.createContext({ cookies: headerCookieJar(request, resHeaders), clientIp: null });
  for (const cookie of resHeaders.getSetCookie()) res.appendHeader('set-cookie', cookie);
  const input = url.searchParams.get('input');
  await serveLiveSse(hub, {
    req,
    res,
    ctx,
    path: url.pathname.replace('/api/trpc/', ''),
    input: input === null ? undefined : JSON.parse(input),
  });
}

beforeAll(async () => {
  api = await createTestApi({ app: 'portal' });
  // Rechecked every few milliseconds here, so a session deleted in the database ends its stream soon.
  hub = createLiveHub({ ...api.server.deps, caller: api.server.liveHub.caller, recheckMs: 25 });
  server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await hub?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await api?.close();
});

/** The portal's own client, with a cookie (a browser's EventSource sends it by itself). */
function clientFor(cookie: string | null) {
  return createTRPCClient<AppRouter>({
    links: [
      httpSubscriptionLink({
        url: `${origin}/api/trpc`,
        EventSource,
        eventSourceOptions: {
          fetch: (url, init) => fetch(url, { ...init, headers: { ...init?.headers, ...(cookie ? { cookie } : {}) } }),
        },
      }),
    ],
  });
}

interface Watch<T> {
  started: Promise<void>;
  /** Resolves when the subscription completes (the server ended it), rejects with its error. */
  ended: Promise<'ended'>;
  seen: T[];
  /** Resolves with the first item seen (now or later) that `match` accepts. */
  next(match: (item: T) => boolean): Promise<T>;
  stop(): void;
}

function watch<T>(
  subscribe: (handlers: { onStarted(): void; onData(d: T): void; onError(e: unknown): void; onComplete(): void }) => {
    unsubscribe(): void;
  },
): Watch<T> {
  const seen: T[] = [];
  const waiters: { match: (item: T) => boolean; resolve: (item: T) => void }[] = [];
  let markStarted!: () => void;
  let markEnded!: (v: 'ended') => void;
  let fail!: (e: unknown) => void;
  const started = new Promise<void>((r) => (markStarted = r));
  const ended = new Promise<'ended'>((resolve, reject) => ((markEnded = resolve), (fail = reject)));
  ended.catch(() => {});
  const subscription = subscribe({
    onStarted: () => markStarted(),
    onData(item) {
      seen.push(item);
      for (const w of waiters.splice(0)) {
        if (w.match(item)) w.resolve(item);
        else waiters.push(w);
      }
    },
    onError: (e) => fail(e),
    onComplete: () => markEnded('ended'),
  });
  return {
    started,
    ended,
    seen,
    next: (match) => {
      const found = seen.find(match);
      return found ? Promise.resolve(found) : new Promise((resolve) => waiters.push({ match, resolve }));
    },
    stop: () => subscription.unsubscribe(),
  };
}

const watchJobs = (cookie: string | null) =>
  watch<JobChange>((handlers) => clientFor(cookie).live.jobChanges.subscribe(undefined, handlers));

const portalCookie = (token: string) => `h2s_portal_session=${token}`;

const notify = (change: JobChange) => api.t.sql`select pg_notify(${LIVE_CHANNEL}, ${JSON.stringify(change)})`;

const confirmSchedule = async (sessionId: string) =>
  (await api.caller(null)).schedule.confirm({ sessionId, date: '2026-01-15', timezone: 'America/Chicago', timeWindow: '9am - 12pm' });

/** A raw GET's status, headers and body text up to (and including) `until`, or to its end; `opened` once it is connected. */
function rawGet(url: string, cookie: string | null, until: string | null, extra: Record<string, string> = {}) {
  let markOpened!: () => void;
  const opened = new Promise<void>((r) => (markOpened = r));
  const result = new Promise<{ status: number; headers: Record<string, unknown>; text: string }>((resolve, reject) => {
    const req = request(url, { headers: { accept: 'text/event-stream', ...extra, ...(cookie ? { cookie } : {}) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      const done = () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text });
      res.on('data', (chunk: string) => {
        text += chunk;
        if (text.includes('event: connected')) markOpened();
        if (until !== null && text.includes(until)) {
          req.destroy();
          done();
        }
      });
      res.on('end', done);
    });
    req.on('error', reject);
    req.end();
  });
  return { opened, result };
}

/** The body tRPC's own handler (the SvelteKit fallback) answers the same GET with, up to `until`. */
async function trpcBody(
  path: string,
  cookie: string | null,
  until: string | null,
  onOpen?: () => Promise<void>,
  extra: Record<string, string> = {},
) {
  const controller = new AbortController();
  const response = await api.server.handlePlainTrpc(
    new Request(`http://portal.test/api/trpc/${path}`, {
      headers: { accept: 'text/event-stream', ...extra, ...(cookie ? { cookie } : {}) },
      signal: controller.signal,
    }),
  );
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let opened = false;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    if (!opened && onOpen && text.includes('event: connected')) {
      opened = true;
      await onOpen();
    }
    if (until !== null && text.includes(until)) break;
  }
  controller.abort();
  await reader.cancel().catch(() => {});
  return { status: response.status, headers: Object.fromEntries(response.headers), text };
}

describe('live.jobChanges on node:http (serveLiveSse)', () => {
  it('delivers a job change committed in the database to the portal client', async () => {
    const pro = await api.pro();
    const order = await api.paidOrder();
    const live = watchJobs(portalCookie(pro.token));
    await live.started; // connected only once this process LISTENs
    await confirmSchedule(order.sessionId);
    const change = await live.next((c) => c.jobId === order.jobId);
    expect(change).toMatchObject({ jobId: order.jobId, type: 'scheduled' });
    expect(change.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    live.stop();
  });

  it("speaks tRPC's own bytes: the same headers and the same events as tRPC's handler", async () => {
    const pro = await api.pro();
    const marker = randomUUID();
    const change: JobChange = { jobId: marker, type: 'scheduled', at: '2026-01-09T15:00:00.000Z' };
    // Read up to the end of the change's event (the two servers cut their writes into chunks differently).
    const frameEnd = `${JSON.stringify(change)}\n\n\n`;
    const ours = rawGet(`${origin}/api/trpc/live.jobChanges`, portalCookie(pro.token), frameEnd);
    await ours.opened;
    const theirs = await trpcBody('live.jobChanges', portalCookie(pro.token), frameEnd, async () => {
      // tRPC's stream LISTENs on its first pull, after `connected`; wait for its listener too.
      await new Promise((r) => setTimeout(r, 100));
      await notify(change);
    });
    const mine = await ours.result;
    expect(mine.status).toBe(theirs.status);
    for (const name of ['content-type', 'cache-control', 'x-accel-buffering', 'vary', 'connection'])
      expect([name, mine.headers[name]]).toEqual([name, theirs.headers[name]]);
    expect(mine.text).toBe(theirs.text);
    expect(mine.text).toBe(`event: connected\ndata: {}\n\n\ndata: ${JSON.stringify(change)}\n\n\n`);

    // Refusals too: not signed in is the same serialized UNAUTHORIZED, byte for byte.
    const refused = await rawGet(`${origin}/api/trpc/live.jobChanges`, null, null).result;
    const trpcRefused = await trpcBody('live.jobChanges', null, null);
    expect(refused.status).toBe(200);
    expect(refused.text).toBe(trpcRefused.text);
    expect(refused.text).toContain('event: serialized-error');
  });

  it('after a reconnect with a Last-Event-ID, restores that id after each event, as tRPC does', async () => {
    const pro = await api.pro();
    const change: JobChange = { jobId: randomUUID(), type: 'scheduled', at: '2026-01-09T15:00:00.000Z' };
    const reconnect = { 'last-event-id': 'evt-7' };
    const frameEnd = 'id: evt-7\n\n\n';
    const ours = rawGet(`${origin}/api/trpc/live.jobChanges`, portalCookie(pro.token), frameEnd, reconnect);
    await ours.opened;
    const theirs = await trpcBody(
      'live.jobChanges',
      portalCookie(pro.token),
      frameEnd,
      async () => {
        await new Promise((r) => setTimeout(r, 100));
        await notify(change);
      },
      reconnect,
    );
    const mine = await ours.result;
    expect(mine.text).toBe(theirs.text);
    expect(mine.text).toBe(
      `event: connected\ndata: {}\n\n\ndata: ${JSON.stringify(change)}\nid: \n\n\nevent: restore-id\ndata: \nid: evt-7\n\n\n`,
    );
  });

  it('refuses a visitor who is not signed in (UNAUTHORIZED) and a customer (FORBIDDEN)', async () => {
    const anonymous = watchJobs(null);
    const error = await anonymous.ended.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<AppRouter>).data?.code).toBe('UNAUTHORIZED');

    const order = await api.paidOrder();
    const session = await createSession(api.t.db, order.customer.userId, api.clock.now());
    const customer = watchJobs(portalCookie(session.token));
    const refused = await customer.ended.catch((e: unknown) => e);
    expect((refused as TRPCClientError<AppRouter>).data?.code).toBe('FORBIDDEN');
    expect((refused as TRPCClientError<AppRouter>).message).toBe('Live job changes are for pros and dispatch.');
  });

  it("refuses a customer and a forged tracking link with the same bytes as tRPC's handler (FORBIDDEN, NOT_FOUND, not a 500)", async () => {
    const order = await api.paidOrder();
    const session = await createSession(api.t.db, order.customer.userId, api.clock.now());
    const forbidden = await rawGet(`${origin}/api/trpc/live.jobChanges`, portalCookie(session.token), null).result;
    expect(forbidden.text).toContain('"code":"FORBIDDEN"');
    expect(forbidden.text).toBe((await trpcBody('live.jobChanges', portalCookie(session.token), null)).text);

    const forged = `tracking.changes?input=${encodeURIComponent(JSON.stringify({ token: 'ORD-AAAAAAAA.1.forged' }))}`;
    const notFound = await rawGet(`${origin}/api/trpc/${forged}`, null, null).result;
    expect(notFound.text).toContain('"code":"NOT_FOUND"');
    expect(notFound.text).toBe((await trpcBody(forged, null, null)).text);
  });

  it("signing out ends that session's stream at once; another session's stays open", async () => {
    const pro = await api.pro();
    const other = await api.pro();
    const mine = watchJobs(portalCookie(pro.token));
    const theirs = watchJobs(portalCookie(other.token));
    await Promise.all([mine.started, theirs.started]);
    const before = hub.size;

    const out = await api.server.handlePlainTrpc(
      new Request('http://portal.test/api/trpc/auth.logout', {
        method: 'POST',
        body: 'null',
        headers: { cookie: portalCookie(pro.token), 'content-type': 'application/json' },
      }),
    );
    expect(out.status).toBe(200);
    expect(await mine.ended).toBe('ended');
    expect(hub.size).toBe(before - 1);

    const marker = randomUUID();
    await notify({ jobId: marker, type: 'scheduled', at: new Date().toISOString() });
    expect((await theirs.next((c) => c.jobId === marker)).jobId).toBe(marker);
    expect(mine.seen.some((c) => c.jobId === marker)).toBe(false);
    theirs.stop();
  });

  it('ends a stream whose session was deleted elsewhere, at the next recheck', async () => {
    const pro = await api.pro();
    const stays = await api.pro();
    const gone = watchJobs(portalCookie(pro.token));
    const kept = watchJobs(portalCookie(stays.token));
    await Promise.all([gone.started, kept.started]);
    // Another process signed it out (or it expired): only the database knows.
    await api.t.sql`delete from sessions where user_id = ${pro.userId}`;
    expect(await gone.ended).toBe('ended');
    await hub.recheck();
    const marker = randomUUID();
    await notify({ jobId: marker, type: 'scheduled', at: new Date().toISOString() });
    expect((await kept.next((c) => c.jobId === marker)).jobId).toBe(marker);
    kept.stop();
  });

  it('gives each of 200 concurrent streams each change exactly once', async () => {
    const pros = await Promise.all(Array.from({ length: 10 }, () => api.pro()));
    const streams = Array.from({ length: 200 }, (_, i) => watchJobs(portalCookie(pros[i % pros.length]!.token)));
    await Promise.all(streams.map((s) => s.started));
    const markers: string[] = Array.from({ length: 3 }, () => randomUUID());
    for (const marker of markers) await notify({ jobId: marker, type: 'scheduled', at: new Date().toISOString() });
    // Changes arrive in order on each stream: once the last is in, any duplicate of an earlier one would be too.
    await Promise.all(streams.map((s) => s.next((c) => c.jobId === markers[2])));
    for (const s of streams) expect(s.seen.filter((c) => markers.includes(c.jobId)).map((c) => c.jobId)).toEqual(markers);
    for (const s of streams) s.stop();
  });

  it('forgets a client that disconnects', async () => {
    const pro = await api.pro();
    await vi.waitFor(() => expect(hub.size).toBe(0), { timeout: 10_000 });
    const live = watchJobs(portalCookie(pro.token));
    await live.started;
    expect(hub.size).toBe(1);
    live.stop();
    await vi.waitFor(() => expect(hub.size).toBe(0), { timeout: 10_000 });
  });
});

describe('tracking.changes on node:http', () => {
  it("ticks for this order's job only, for whoever holds the tracking link; a forged link is NOT_FOUND", async () => {
    const order = await api.paidOrder();
    const unrelated = await api.paidOrder();
    const token = trackingToken(api.server.deps, order.orderId, 1);
    const ticks = watch<{ type: string; at: string }>((handlers) => clientFor(null).tracking.changes.subscribe({ token }, handlers));
    await ticks.started;
    await confirmSchedule(unrelated.sessionId);
    await confirmSchedule(order.sessionId);
    expect(await ticks.next(() => true)).toEqual({ type: 'scheduled', at: expect.any(String) });
    expect(ticks.seen).toHaveLength(1);
    ticks.stop();

    const forged = watch((handlers) => clientFor(null).tracking.changes.subscribe({ token: `${token.slice(0, -2)}AA` }, handlers));
    const error = await forged.ended.catch((e: unknown) => e);
    expect((error as TRPCClientError<AppRouter>).data?.code).toBe('NOT_FOUND');
  });
});

describe('live hub', () => {
  /** A bus the test drives by hand. */
  function handBus() {
    let listener: ((change: JobChange) => void) | null = null;
    const bus: LiveBus = {
      changes: () => {
        throw new Error('unused');
      },
      subscribe: async (l) => ((listener = l), () => (listener = null)),
      close: async () => {},
    };
    return { bus, emit: (change: JobChange) => listener?.(change) };
  }

  /** A chunked response whose socket holds `buffered` bytes it could not send yet. */
  function fakeResponse(buffered: number) {
    const writes: string[] = [];
    let destroyed = false;
    const record = (chunk?: Buffer) => void (chunk && writes.push(chunk.toString()));
    const res = {
      chunkedEncoding: true,
      writableLength: 0,
      socket: { writableLength: buffered, write: record },
      write: record,
      end: record,
      destroy: () => void (destroyed = true),
      once: () => res,
    };
    return { res: res as unknown as ServerResponse, writes, destroyed: () => destroyed };
  }

  it('drops a client that stopped reading instead of buffering for it, and serializes each change once for all', async () => {
    const { bus, emit } = handBus();
    const local = createLiveHub({
      ...api.server.deps,
      caller: api.server.liveHub.caller,
      live: bus,
      streams: new SessionStreams(),
      maxBufferedBytes: 1024,
    });
    await local.ready();
    const reading = fakeResponse(0);
    const stuck = fakeResponse(4096);
    local.add({ res: reading.res, key: 'a', byJob: false, restoreId: null });
    local.add({ res: stuck.res, key: 'b', byJob: false, restoreId: null });
    const stringify = vi.spyOn(JSON, 'stringify');
    emit({ jobId: 'JOB-1', type: 'scheduled', at: '2026-01-09T15:00:00.000Z' });
    expect(stringify).toHaveBeenCalledTimes(1);
    stringify.mockRestore();
    const frame = 'data: {"jobId":"JOB-1","type":"scheduled","at":"2026-01-09T15:00:00.000Z"}\n\n\n';
    expect(reading.writes).toEqual([`${frame.length.toString(16)}\r\n${frame}\r\n`]);
    expect(stuck.writes).toEqual([]);
    expect(stuck.destroyed()).toBe(true);
    expect(local.size).toBe(1);
    await local.close();
  });
  it('rechecks again after a check that found nothing to check, and ends a stream whose session is unknown', async () => {
    const { bus } = handBus();
    const local = createLiveHub({
      ...api.server.deps,
      caller: api.server.liveHub.caller,
      live: bus,
      streams: new SessionStreams(),
      recheckMs: 3_600_000,
    });
    await local.recheck(); // nothing open yet
    const orphan = fakeResponse(0);
    local.add({ res: orphan.res, key: 'no-such-session', byJob: false, restoreId: null });
    await local.recheck();
    expect(orphan.writes).toEqual(['event: return\ndata: \n\n\n']);
    expect(local.size).toBe(0);
    await local.close();
  });
});
