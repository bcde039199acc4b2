/**
 * The live subscriptions (`live.jobChanges`, `tracking.changes`) served straight onto node sockets
 * (issue 13): one LISTEN per process feeds one hub; each change is serialized once and the same bytes
 * are written to every open stream, which costs the hub a small record, not an async generator chain,
 * web streams and a timer each. The bytes on the wire are those tRPC v11's SSE responses carry
 * (`@trpc/server` stream/sse.ts and http/resolveResponse.ts), so `httpSubscriptionLink` cannot tell
 * the two apart; the tRPC procedures stay as the fallback (`pnpm dev`, SvelteKit's own handler).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { TRPCError } from '@trpc/server';
import { getErrorShape, getParseFn, getTRPCErrorFromUnknown, sseHeaders } from '@trpc/server/unstable-core-do-not-import';
import { isRetryable, type Database } from '@h2s/db';
import type { Clock } from '../domain/clock';
import { DomainError, forbidden } from '../domain/errors';
import type { JobChange } from '../domain/events';
import { openSessionKeys, SESSION_RECHECK_MS, type LiveBus, type SessionStreams } from '../domain/live';
import { orderOfToken } from '../domain/tracking';
import { logInternalError } from '../internal-errors';
import { appRouter } from '../root';
import { trackingTokenInput } from '../router/tracking';
import type { Context } from '../trpc';

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
const HEADERS = { vary: 'trpc-accept, accept', ...sseHeaders };

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

/** What a stream listens to, or null for a subscription that ends at once (an order with no job yet). */
type Target = { byJob: false; key: string | null } | { byJob: true; key: string } | null;

const parseTrackingInput = getParseFn<{ token: string }>(trackingTokenInput);

/** The same checks, in the same order, as the tRPC procedures in router/live.ts and router/tracking.ts. */
async function authorize(path: string, ctx: Context, input: unknown): Promise<Target> {
  if (path === 'live.jobChanges') {
    if (!ctx.viewer) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in to continue.' });
    if (ctx.viewer.role === 'customer') throw forbidden('Live job changes are for pros and dispatch.');
    return { byJob: false, key: ctx.sessionKey };
  }
  if (path === 'tracking.changes') {
    let token: string;
    try {
      ({ token } = await parseTrackingInput(input));
    } catch (cause) {
      throw new TRPCError({ code: 'BAD_REQUEST', cause });
    }
    const { jobId } = await orderOfToken(ctx.db, ctx, token);
    return jobId ? { byJob: true, key: jobId } : null;
  }
  throw new TRPCError({ code: 'NOT_FOUND', message: `No procedure found on path "${path}"` });
}

/** As trpc.ts's mapErrors: a DomainError keeps its code and message; a dropped connection is a 503. */
function trpcErrorOf(cause: unknown): TRPCError {
  if (cause instanceof TRPCError) return cause;
  if (cause instanceof DomainError) return new TRPCError({ code: cause.code, message: cause.message, cause });
  if (isRetryable(cause)) return new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: 'Temporary failure; please retry.', cause });
  return getTRPCErrorFromUnknown(cause);
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
export async function serveLiveSse(hub: LiveHub, { req, res, ctx, path, input }: LiveSseRequest): Promise<void> {
  let target: Target;
  try {
    target = await authorize(path, ctx, input);
    if (target) await hub.ready();
  } catch (cause) {
    const error = trpcErrorOf(cause);
    if (error.code === 'INTERNAL_SERVER_ERROR') logInternalError(error, `[trpc] ${path}`);
    const shape = getErrorShape({ config: appRouter._def._config, error, type: 'subscription', path, input, ctx });
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
