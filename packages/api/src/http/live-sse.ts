/**
 * The live subscriptions (`live.jobChanges`, `tracking.changes`) served straight onto node sockets
 * (issue 13): one LISTEN per process feeds one hub; each change is serialized once and the same bytes
 * are written to every open stream, which costs the hub a small record, not an async generator chain,
 * web streams and a timer each. The bytes on the wire are those tRPC v11's SSE responses carry
 * (`@trpc/server` stream/sse.ts and http/resolveResponse.ts), so `httpSubscriptionLink` cannot tell
 * the two apart; the tRPC procedures stay as the fallback (`pnpm dev`, SvelteKit's own handler).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { getTRPCErrorFromUnknown } from '@trpc/server';
import type { Database } from '@h2s/db';
import type { Clock } from '../domain/clock';
import type { JobChange } from '../domain/events';
import { liveTargetOf, openSessionKeys, SESSION_RECHECK_MS, type LiveBus, type LiveTarget, type SessionStreams } from '../domain/live';
import { logInternalError } from '../internal-errors';
import type { Context } from '../trpc';
import { errorShape } from './error-shape';

/** The subscriptions this module serves; anything else stays with tRPC's handler. */
export const LIVE_SSE_PATHS = ['live.jobChanges', 'tracking.changes'] as const;
export type LiveSsePath = (typeof LIVE_SSE_PATHS)[number];
export const isLiveSsePath = (path: string): path is LiveSsePath => (LIVE_SSE_PATHS as readonly string[]).includes(path);

/** A stream whose socket holds more unsent bytes than this is too slow to keep: it is dropped (it reconnects). */
export const MAX_BUFFERED_BYTES = 64 * 1024;

// tRPC's frames: `event:`, `data:`, `id:` lines, then a blank line and one more newline.
const CONNECTED = Buffer.from('event: connected\ndata: {}\n\n\n');
const RETURN = Buffer.from('event: return\ndata: \n\n\n');
const dataFrame = (json: string) => `data: ${json}\n\n\n`;
/** After a client sent a Last-Event-ID, tRPC clears the id on each untracked event and then restores it. */
const dataFrameClearingId = (json: string) => `data: ${json}\nid: \n\n\n`;
const restoreIdFrame = (id: string) => Buffer.from(`event: restore-id\ndata: \nid: ${id}\n\n\n`);
const errorFrame = (shape: unknown) => Buffer.from(`event: serialized-error\ndata: ${JSON.stringify(shape)}\n\n\n`);
/** tRPC's SSE response headers (`sseHeaders` in its resolveResponse; live-sse.test.ts compares the bytes). */
const HEADERS = {
  vary: 'trpc-accept, accept',
  'Content-Type': 'text/event-stream',
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
  Connection: 'keep-alive',
};

/** One open stream: its response and where the hub files it. */
interface Stream {
  readonly res: ServerResponse;
  /** A session's token hash (live.jobChanges) or a job id (tracking.changes). */
  readonly key: string | null;
  readonly byJob: boolean;
  /** The restore-id frame when the client reconnected with a Last-Event-ID; null almost always. */
  readonly restoreId: Buffer | null;
}

/** node's OutgoingMessage knows whether it frames the body in chunks (HTTP/1.1 without a length). */
type ChunkedResponse = ServerResponse & { chunkedEncoding?: boolean };

/** One change's bytes, made on first use and shared by every stream it goes to. */
class Frames {
  #plain: Buffer | null = null;
  #chunked: Buffer | null = null;
  #clearingId: Buffer | null = null;
  constructor(readonly json: string) {}
  plain() {
    return (this.#plain ??= Buffer.from(dataFrame(this.json)));
  }
  /** The frame as one HTTP/1.1 chunk (size line, bytes, CRLF), to write to the socket itself. */
  chunked() {
    if (this.#chunked) return this.#chunked;
    const frame = this.plain();
    return (this.#chunked = Buffer.concat([Buffer.from(`${frame.length.toString(16)}\r\n`), frame, Buffer.from('\r\n')]));
  }
  clearingId() {
    return (this.#clearingId ??= Buffer.from(dataFrameClearingId(this.json)));
  }
}

export interface LiveHubDeps {
  live: LiveBus;
  streams: SessionStreams;
  db: Database;
  clock: Clock;
  /** The server-side caller (createCallerFactory(appRouter)): each stream's subscription runs through it. */
  caller: (ctx: Context) => unknown;
  /** How often every open session is checked in one query (tests pass a few milliseconds). */
  recheckMs?: number;
  maxBufferedBytes?: number;
}

export type LiveHub = ReturnType<typeof createLiveHub>;

/** One per process: the shared LISTEN, the open streams and the one timer that rechecks their sessions. */
export function createLiveHub(deps: LiveHubDeps) {
  const recheckMs = deps.recheckMs ?? SESSION_RECHECK_MS;
  const maxBuffered = deps.maxBufferedBytes ?? MAX_BUFFERED_BYTES;
  /** live.jobChanges streams by session key (null: a context without a session, as in some tests). */
  const bySession = new Map<string | null, Set<Stream>>();
  /** tracking.changes streams by job id. */
  const byJob = new Map<string, Set<Stream>>();
  let size = 0;
  let listening: Promise<() => void> | null = null;
  let recheckTimer: NodeJS.Timeout | null = null;
  let rechecking: Promise<void> | null = null;
  let closed = false;

  const remove = (stream: Stream) => {
    const groups = stream.byJob ? byJob : bySession;
    const group = groups.get(stream.key as string);
    if (!group?.delete(stream)) return;
    size--;
    if (!group.size) groups.delete(stream.key as string);
    if (recheckTimer && !bySession.size) {
      clearInterval(recheckTimer);
      recheckTimer = null;
    }
  };

  const send = (stream: Stream, frames: Frames) => {
    const { res } = stream;
    const socket = res.socket;
    if (!socket || socket.destroyed || socket.writableLength + res.writableLength > maxBuffered) {
      // Gone, or a client that stopped reading: drop it rather than hold its backlog (its EventSource reconnects).
      remove(stream);
      res.destroy();
      return;
    }
    // Only when the response holds nothing of its own yet unsent: the socket then carries its bytes in order.
    if ((res as ChunkedResponse).chunkedEncoding && !stream.restoreId && res.writableLength === 0) {
      // The same chunk res.write would frame, written in one call: res.write costs three socket writes and a tick each.
      socket.write(frames.chunked());
    } else if (stream.restoreId) {
      res.write(frames.clearingId());
      res.write(stream.restoreId);
    } else {
      res.write(frames.plain());
    }
  };

  const onChange = (change: JobChange) => {
    if (bySession.size) {
      const frames = new Frames(JSON.stringify(change));
      for (const group of bySession.values()) for (const stream of group) send(stream, frames);
    }
    const watchers = byJob.get(change.jobId);
    if (watchers) {
      const frames = new Frames(JSON.stringify({ type: change.type, at: change.at }));
      for (const stream of watchers) send(stream, frames);
    }
  };

  /** Ends a session's streams as a completed subscription does (`return`): the client does not reconnect. */
  const endSession = (sessionKey: string) => {
    const group = bySession.get(sessionKey);
    if (!group) return;
    for (const stream of [...group]) {
      remove(stream);
      stream.res.end(RETURN);
    }
  };
  const stopListeningToSignOut = deps.streams.onEnd(endSession);

  /** Ends the streams whose session is gone; one check at a time (a slow query is not stacked). */
  const checkSessions = async () => {
    try {
      const keys = [...bySession.keys()].filter((key): key is string => key !== null);
      if (!keys.length) return;
      const open = await openSessionKeys(deps.db, keys, deps.clock.now());
      for (const key of keys) if (!open.has(key)) endSession(key);
    } catch (error) {
      logInternalError(error, '[live] session recheck');
    }
  };
  const recheck = (): Promise<void> => {
    if (!rechecking) rechecking = checkSessions().finally(() => (rechecking = null));
    return rechecking;
  };

  const add = (stream: Stream) => {
    const groups = stream.byJob ? byJob : bySession;
    let group = groups.get(stream.key as string);
    if (!group) groups.set(stream.key as string, (group = new Set()));
    group.add(stream);
    size++;
    stream.res.once('close', () => remove(stream));
    if (!stream.byJob && !recheckTimer) {
      recheckTimer = setInterval(() => void recheck(), recheckMs);
      recheckTimer.unref();
    }
  };

  return {
    caller: deps.caller,
    /** Open streams on this process. */
    get size() {
      return size;
    },
    /** Resolves once this process LISTENs; a stream announces itself (`connected`) only after that. */
    ready(): Promise<unknown> {
      if (closed) return Promise.reject(new Error('The live hub is closed'));
      listening ??= deps.live.subscribe(onChange).catch((error: unknown) => {
        listening = null;
        throw error;
      });
      return listening;
    },
    add,
    /** Checks every open session now (the timer does this every `recheckMs`). */
    recheck,
    async close() {
      closed = true;
      stopListeningToSignOut();
      if (recheckTimer) clearInterval(recheckTimer);
      recheckTimer = null;
      const unsubscribe = await listening?.catch(() => null);
      unsubscribe?.();
      for (const groups of [bySession, byJob]) for (const group of groups.values()) for (const stream of group) stream.res.destroy();
      bySession.clear();
      byJob.clear();
      size = 0;
    },
  };
}

export interface LiveSseRequest {
  req: IncomingMessage;
  /** Headers already set on it (a renewed session cookie) go out with the stream's. */
  res: ServerResponse;
  ctx: Context;
  path: LiveSsePath | (string & {});
  /** The `?input=` JSON, parsed (undefined when absent). */
  input: unknown;
}

/**
 * The subscription itself, through the server-side caller: its middlewares and input parser decide
 * who may subscribe to what (router/live.ts, router/tracking.ts). Its feed is not iterated: the hub
 * streams what the feed names (domain/live.ts's liveFeed), so one LISTEN serves every stream.
 */
async function subscribe(caller: (ctx: Context) => unknown, { ctx, path, input }: LiveSseRequest): Promise<LiveTarget> {
  let call: unknown = caller(ctx);
  for (const part of path.split('.')) call = (call as Record<string, unknown>)[part];
  const feed = await (call as (input: unknown) => Promise<AsyncGenerator<unknown>>)(input);
  const target = liveTargetOf(feed);
  await feed.return(undefined);
  if (target === undefined) throw new Error(`${path} is not a live feed (domain/live.ts liveFeed)`);
  return target;
}

function lastEventIdOf(req: IncomingMessage): string | null {
  const header = req.headers['last-event-id'];
  let id = typeof header === 'string' ? header : null;
  if (id === null && req.url?.includes('ast')) {
    const params = new URL(req.url, 'http://localhost').searchParams;
    id = params.get('lastEventId') ?? params.get('Last-Event-Id');
  }
  return id && !/[\0\n\r]/.test(id) ? id : null;
}

/**
 * Serves one GET of a live subscription on a node request/response pair. Errors come as tRPC sends a
 * subscription's: a 200 event stream with `connected`, then `serialized-error` carrying the error shape.
 */
export async function serveLiveSse(hub: LiveHub, request: LiveSseRequest): Promise<void> {
  const { req, res, path } = request;
  let target: LiveTarget;
  try {
    target = await subscribe(hub.caller, request);
    if (target) await hub.ready();
  } catch (cause) {
    const error = getTRPCErrorFromUnknown(cause);
    if (error.code === 'INTERNAL_SERVER_ERROR') logInternalError(error, `[trpc] ${path}`);
    const shape = errorShape(error, path);
    if (req.socket.destroyed) return;
    res.writeHead(200, HEADERS);
    res.write(CONNECTED);
    res.end(errorFrame(shape));
    return;
  }
  // The client may have left while the session or the LISTEN was awaited.
  if (req.socket.destroyed) return;
  res.writeHead(200, HEADERS);
  if (!target) {
    res.write(CONNECTED);
    res.end(RETURN);
    return;
  }
  res.write(CONNECTED);
  const restore = lastEventIdOf(req);
  hub.add({ res, key: target.key, byJob: target.byJob, restoreId: restore === null ? null : restoreIdFrame(restore) });
}
