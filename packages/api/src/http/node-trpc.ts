/**
 * `/api/trpc` on node:http, built from tRPC's public server API only. Every call runs tRPC's own
 * procedures and middlewares; the lanes differ in how the request reaches them:
 *
 * - `trpc`: tRPC's node adapter (`nodeHTTPRequestHandler`) for everything: batches (at most
 *   MAX_BATCH_SIZE calls), streaming links, wrong methods, unknown paths, malformed input.
 * - `hot`: a single call to a procedure named in hot-calls.ts, through `createCaller`, answered with
 *   one `res.end` (tRPC's adapter turns each request into a web Request and Response, which is most
 *   of a trivial call's cost here, issue 13).
 * - `upload`: `uploads.create` as multipart, streamed to disk (multipart.ts), then `createCaller`.
 * - `live`: the live subscriptions: the procedure's own middlewares decide, the live hub streams.
 *
 * node-trpc.test.ts sends the same requests here and to tRPC's fetch adapter and requires the same
 * answers byte for byte, so an upgrade of tRPC that changes its wire format fails a test.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { getTRPCErrorFromUnknown, TRPCError } from '@trpc/server';
import { nodeHTTPRequestHandler } from '@trpc/server/adapters/node-http';
import type { AppRouter } from '../root';
import type { Context, RequestScope } from '../trpc';
import { readBody } from './body';
import { cookieJar } from './cookies';
import { errorResponse, preTrpcError } from './error-shape';
import { hotCallKind } from './hot-calls';
import { clientAddressReader, mediaType, sameSiteCheck } from './request-origin';
import { securityHeaders } from './security-headers';

const PREFIX = '/api/trpc/';
/** The most calls one batch may carry (CONTRACT.md), one rule with the edge refusals (limits.ts). */
export { MAX_BATCH_SIZE } from './limits';
import { MAX_BATCH_SIZE } from './limits';

export interface NodeTrpcOptions {
  router: AppRouter;
  createContext(scope: RequestScope): Promise<Context>;
  /** A server-side caller for a context (createCallerFactory(appRouter)). */
  createCaller(ctx: Context, options?: { signal?: AbortSignal }): unknown;
  /** Logging, as tRPC's `onError` (internal errors under their id, 503 causes). */
  onError(error: TRPCError, path: string | undefined): void;
  secureCookies: boolean;
  /** Strict-Transport-Security on every answer (production over HTTPS). */
  hsts: boolean;
  /** The largest body taken; a larger one is a 413 before (declared) or while (chunked) it is read. */
  bodyLimit: number;
  payloadTooLargeMessage: string;
  /** adapter-node's settings for the client address and this site's host (ORIGIN, ADDRESS_HEADER, …). */
  env?: NodeJS.ProcessEnv;
  /**
   * Mutations that take a streamed multipart body (uploads.create: http/multipart.ts): the paths, how
   * the body becomes the procedure's raw input (on disk, never whole in memory), and what a refusal
   * answers. Anything else multipart goes to tRPC's adapter.
   */
  multipart?: {
    takes(path: string): boolean;
    parse(req: IncomingMessage): Promise<{ input: unknown; dispose(): Promise<void> }>;
    /** The answer for a refused body (too large, malformed), or null for an error that is not one. */
    refusal(error: unknown, path: string): { status: number; body: string; cutOff: boolean } | null;
  };
  /** Subscriptions served on node sockets (the live hub, http/live-sse.ts). It answers every request it is given. */
  subscriptions?: {
    takes(path: string): boolean;
    serve(request: { req: IncomingMessage; res: ServerResponse; ctx: Context; path: string; input: unknown }): Promise<void>;
  };
}

/** Which lane answered, or false when the request is not for `/api/trpc` (the caller serves it). */
export type TrpcLane = 'hot' | 'upload' | 'live' | 'trpc';
export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => TrpcLane | false;

type Call = (input: unknown) => Promise<unknown>;

export function nodeTrpcHandler(options: NodeTrpcOptions): NodeHandler {
  const env = options.env ?? process.env;
  const fromThisSite = sameSiteCheck(env);
  const clientAddress = clientAddressReader(env);
  const baseHeaders: Record<string, string> = {
    'content-type': 'application/json',
    vary: 'trpc-accept, accept',
    ...securityHeaders(options.hsts),
  };

  function send(res: ServerResponse, status: number, body: string) {
    res.writeHead(status, { ...baseHeaders, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }

  /** The request's cookies and address; a cookie the call sets goes straight onto the response. */
  const scopeOf = (req: IncomingMessage, res: ServerResponse): RequestScope => ({
    cookies: cookieJar(req.headers.cookie, { push: (line) => res.appendHeader('set-cookie', line) }, options.secureCookies),
    clientIp: clientAddress(req),
  });

  /** A body declared too large is refused before it is read; one counted past the limit is cut off. */
  function tooLarge(res: ServerResponse, cutOff: boolean) {
    if (cutOff) res.setHeader('connection', 'close');
    send(res, 413, preTrpcError(413, 'PAYLOAD_TOO_LARGE', options.payloadTooLargeMessage));
  }

  /** tRPC's own node adapter; a body already read is handed over as text. */
  function viaTrpc(req: IncomingMessage & { body?: unknown }, res: ServerResponse, path: string, body?: string) {
    if (body !== undefined) req.body = body;
    for (const [name, value] of Object.entries(baseHeaders)) if (name !== 'content-type') res.setHeader(name, value);
    return nodeHTTPRequestHandler({
      router: options.router,
      req,
      res,
      path,
      maxBatchSize: MAX_BATCH_SIZE,
      createContext: ({ req, res }) => options.createContext(scopeOf(req, res)),
      onError: ({ error, path }) => options.onError(error, path),
    });
  }

  /** One procedure through the server-side caller, its answer (or error) in tRPC's bytes. */
  async function viaCaller(req: IncomingMessage, res: ServerResponse, path: string, input: unknown) {
    const abort = new AbortController();
    res.once('close', () => {
      if (!res.writableEnded) abort.abort();
    });
    try {
      const ctx = await options.createContext(scopeOf(req, res));
      let call: unknown = options.createCaller(ctx, { signal: abort.signal });
      for (const part of path.split('.')) call = (call as Record<string, unknown>)[part];
      const data = await (call as Call)(input);
      send(res, 200, JSON.stringify({ result: { data } }));
    } catch (cause) {
      const error = getTRPCErrorFromUnknown(cause);
      options.onError(error, path);
      const answer = errorResponse(error, path);
      send(res, answer.status, answer.body);
    }
  }

  async function hot(req: IncomingMessage, res: ServerResponse, path: string, kind: 'query' | 'mutation', query: string | null) {
    let text = query;
    if (kind === 'mutation') {
      const body = await readBody(req, options.bodyLimit);
      if (body === null) return tooLarge(res, true);
      text = body.length ? body.toString('utf8') : null;
    }
    let input: unknown;
    try {
      input = text ? JSON.parse(text) : undefined;
    } catch {
      // Malformed input: tRPC's adapter says so in its own words, after the procedure's middlewares.
      return viaTrpc(req, res, path, kind === 'mutation' ? (text ?? '') : undefined);
    }
    await viaCaller(req, res, path, input);
  }

  async function upload(req: IncomingMessage, res: ServerResponse, path: string) {
    const multipart = options.multipart!;
    let parsed: { input: unknown; dispose(): Promise<void> };
    try {
      parsed = await multipart.parse(req);
    } catch (error) {
      const refusal = multipart.refusal(error, path);
      if (!refusal) throw error;
      if (refusal.cutOff) res.setHeader('connection', 'close');
      // The rest is read and dropped, so the answer goes out; node itself closes the connection
      // after the answer when the body has not ended (node-trpc.test.ts: an endless body is cut off).
      else req.resume();
      return send(res, refusal.status, refusal.body);
    }
    try {
      await viaCaller(req, res, path, parsed.input);
    } finally {
      await parsed.dispose();
    }
  }

  async function live(req: IncomingMessage, res: ServerResponse, path: string, query: string | null) {
    let input: unknown;
    try {
      input = query ? JSON.parse(query) : undefined;
    } catch {
      return viaTrpc(req, res, path); // malformed input: tRPC's adapter says so in its own words
    }
    const ctx = await options.createContext(scopeOf(req, res));
    for (const [name, value] of Object.entries(baseHeaders)) if (name !== 'content-type') res.setHeader(name, value);
    await options.subscriptions!.serve({ req, res, ctx, path, input });
  }

  /** Picks the lane; the body (if any) is still unread. */
  function route(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    query: string | null,
    batch: boolean,
  ): [TrpcLane, Promise<unknown>] {
    const method = req.method;
    if (method === 'POST') {
      if (!fromThisSite(req))
        return ['trpc', Promise.resolve(send(res, 403, preTrpcError(403, 'FORBIDDEN', 'Cross-site request refused')))];
      if (Number(req.headers['content-length'] ?? 0) > options.bodyLimit) return ['trpc', Promise.resolve(tooLarge(res, false))];
    }
    if (!batch) {
      if (method === 'GET' && options.subscriptions?.takes(path)) return ['live', live(req, res, path, query)];
      const media = method === 'POST' ? mediaType(req.headers['content-type']) : undefined;
      if (media === 'multipart/form-data' && options.multipart?.takes(path)) return ['upload', upload(req, res, path)];
      const kind = hotCallKind(path);
      const accept = req.headers['trpc-accept'] ?? req.headers.accept;
      const single = !accept?.includes('application/jsonl');
      if (single && kind === 'query' && method === 'GET') return ['hot', hot(req, res, path, kind, query)];
      if (single && kind === 'mutation' && media === 'application/json') return ['hot', hot(req, res, path, kind, null)];
    }
    if (method === 'POST' || method === 'PUT' || method === 'PATCH') {
      return [
        'trpc',
        readBody(req, options.bodyLimit).then((body) =>
          body === null ? tooLarge(res, true) : viaTrpc(req, res, path, body.toString('utf8')),
        ),
      ];
    }
    return ['trpc', viaTrpc(req, res, path)];
  }

  return (req, res) => {
    const url = req.url;
    if (!url?.startsWith(PREFIX)) return false;
    const q = url.indexOf('?');
    const path = q < 0 ? url.slice(PREFIX.length) : url.slice(PREFIX.length, q);
    let query: string | null = null;
    let batch = false;
    if (q >= 0) {
      const params = new URLSearchParams(url.slice(q + 1));
      batch = params.has('batch');
      query = params.get('input');
    }
    const [lane, answered] = route(req, res, path, query, batch);
    answered.catch((cause: unknown) => {
      // Only a broken socket or a failed context gets here (every procedure error is answered above).
      const error = getTRPCErrorFromUnknown(cause);
      options.onError(error, path);
      if (res.headersSent) return void res.destroy();
      const answer = errorResponse(error, path);
      send(res, answer.status, answer.body);
    });
    return lane;
  };
}
