/**
 * The API's hot path on node:http (issue 13): single tRPC calls (`GET /api/trpc/<query>?input=…`,
 * `POST /api/trpc/<mutation>` with a JSON body) answered straight from the node request, without
 * SvelteKit's pipeline or tRPC's fetch adapter (web Request/Response objects, URL parsing, header
 * copies). Those cost ~80% of a trivial request here; the procedures, their middlewares, the error
 * formatter and the wire format are tRPC's own, so a client cannot tell the two paths apart
 * (`node-trpc.test.ts` sends the same requests both ways and compares the answers).
 *
 * Anything else (batches, streaming links, subscriptions, multipart, HEAD, a method the procedure
 * does not take, an unknown path) is left to the caller's fallback: SvelteKit's route, which runs
 * tRPC's fetch adapter (`handleTrpc`). The built apps put this in front of SvelteKit
 * (tooling/sveltekit/adapter.js); `pnpm dev` serves everything through SvelteKit.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { TRPCError } from '@trpc/server';
import {
  getErrorShape,
  getHTTPStatusCode,
  getTRPCErrorFromUnknown,
  transformTRPCResponse,
  type AnyProcedure,
  type AnyRouter,
} from '@trpc/server/unstable-core-do-not-import';
import type { Context, CookieJar, RequestScope } from '../trpc';
import { securityHeaders } from './security-headers';
import { sameOriginAs } from './origin';

const PREFIX = '/api/trpc/';

export interface NodeTrpcOptions {
  router: AnyRouter;
  createContext(scope: RequestScope): Promise<Context>;
  /** Logging, as tRPC's `onError` (internal errors under their id, 503 causes). */
  onError(error: TRPCError, path: string): void;
  secureCookies: boolean;
  /** Strict-Transport-Security on every answer (production over HTTPS). */
  hsts: boolean;
  /** The largest body taken; a larger one is a 413 before (declared) or while (chunked) it is read. */
  bodyLimit: number;
  payloadTooLargeMessage: string;
  /** adapter-node's settings for the client address and this site's host (ORIGIN, ADDRESS_HEADER, …). */
  env?: NodeJS.ProcessEnv;
  /**
   * Subscriptions served on node sockets (the live hub, http/live-sse.ts): the paths it takes, and how.
   * It answers every request it is given, errors included (as tRPC does: a 200 event stream).
   */
  /**
   * Mutations that take a streamed multipart body (uploads.create: http/multipart.ts): the paths, how
   * the body becomes the procedure's raw input (on disk, never whole in memory), and what a refusal
   * answers. Anything else multipart goes to the fallback.
   */
  multipart?: {
    takes(path: string): boolean;
    parse(req: IncomingMessage): Promise<{ input: unknown; dispose(): Promise<void> }>;
    /** The answer for a refused body (too large, malformed), or null for an error that is not one. */
    refusal(error: unknown, path: string): { status: number; body: string; cutOff: boolean } | null;
  };
  subscriptions?: {
    takes(path: string): boolean;
    serve(request: { req: IncomingMessage; res: ServerResponse; ctx: Context; path: string; input: unknown }): Promise<void>;
  };
}

/** Answers the request and returns true, or returns false (untouched) for the fallback to serve. */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

export function nodeTrpcHandler(options: NodeTrpcOptions): NodeHandler {
  const procedures = options.router._def.procedures as Record<string, AnyProcedure | undefined>;
  const config = options.router._def._config;
  const env = options.env ?? process.env;
  const site = siteHost(env);
  const clientAddress = clientAddressReader(env);
  const baseHeaders: Record<string, string> = {
    'content-type': 'application/json',
    vary: 'trpc-accept, accept',
    ...securityHeaders(options.hsts),
  };

  function send(res: ServerResponse, status: number, body: string, setCookies: string[] | null) {
    const headers: Record<string, string | string[] | number> = { ...baseHeaders, 'content-length': Buffer.byteLength(body) };
    if (setCookies?.length) headers['set-cookie'] = setCookies;
    res.writeHead(status, headers);
    res.end(body);
  }

  /** The request's cookies and address for createContext; the cookies it sets collect in `setCookies`. */
  function scopeOf(req: IncomingMessage): { scope: RequestScope; setCookies: string[] } {
    const setCookies: string[] = [];
    return {
      scope: { cookies: cookieJar(req.headers.cookie, setCookies, options.secureCookies), clientIp: clientAddress(req) },
      setCookies,
    };
  }

  /** An error answer in tRPC's shape, through the app's own error formatter. */
  function errorBody(error: TRPCError, path: string, type: 'query' | 'mutation', input: unknown, ctx: Context | undefined) {
    const response = { error: getErrorShape({ config, error, type, path, input, ctx }) };
    return { status: getHTTPStatusCode(response, [error]), body: JSON.stringify(transformTRPCResponse(config, response)) };
  }

  async function serve(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    procedure: AnyProcedure,
    query: string | null,
    multipart = false,
  ) {
    const type = procedure._def.type as 'query' | 'mutation';
    if (type === 'mutation' && !sameOrigin(req.headers, site))
      return send(res, 403, preTrpcError(403, 'FORBIDDEN', 'Cross-site request refused'), null);

    let text: string | null = null;
    let upload: { input: unknown; dispose(): Promise<void> } | null = null;
    if (type === 'query') {
      text = query;
    } else {
      if (Number(req.headers['content-length'] ?? 0) > options.bodyLimit) return tooLarge(res, false);
      if (multipart) {
        try {
          upload = await options.multipart!.parse(req);
        } catch (error) {
          const refusal = options.multipart!.refusal(error, path);
          if (!refusal) throw error;
          if (refusal.cutOff) res.setHeader('connection', 'close');
          // The rest is read and dropped, so the answer goes out; node itself closes the connection
          // after the answer when the body has not ended (node-trpc.test.ts: an endless body is cut off).
          else req.resume();
          return send(res, refusal.status, refusal.body, null);
        }
      } else {
        const body = await readBody(req, options.bodyLimit);
        if (body === null) return tooLarge(res, true);
        text = body.length ? body.toString('utf8') : null;
      }
    }
    try {
      await call(req, res, path, procedure, type, text, upload?.input);
    } finally {
      await upload?.dispose();
    }
  }

  /** One procedure call and its answer: context, middlewares, input parsed when asked, output or error shape. */
  async function call(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    procedure: AnyProcedure,
    type: 'query' | 'mutation',
    text: string | null,
    given: unknown,
  ) {
    // Parsed when the procedure asks, after its middlewares, as tRPC does (signed out + bad input → 401).
    let input: unknown = undefined;
    const getRawInput = async () => {
      if (given !== undefined) return (input = given);
      if (!text) return undefined;
      try {
        return (input = config.transformer.input.deserialize(JSON.parse(text)));
      } catch (cause) {
        throw new TRPCError({ code: 'BAD_REQUEST', message: cause instanceof Error ? cause.message : 'Invalid input', cause });
      }
    };

    const { scope, setCookies } = scopeOf(req);
    let ctx: Context | undefined;
    try {
      ctx = await options.createContext(scope);
      const data: unknown = await procedure({ path, getRawInput, ctx, type, signal: undefined, batchIndex: 0 });
      send(res, 200, JSON.stringify(transformTRPCResponse(config, { result: { data } })), setCookies);
    } catch (cause) {
      const error = getTRPCErrorFromUnknown(cause);
      options.onError(error, path);
      const { status, body } = errorBody(error, path, type, input, ctx);
      send(res, status, body, setCookies);
    }
  }

  /**
   * A body declared too large is refused before it is read; node then discards the declared rest, so
   * the client, still sending, gets to read the answer. A body counted past the limit as it came
   * (chunked, no end in sight) is cut off: the connection closes after the answer.
   */
  function tooLarge(res: ServerResponse, cutOff: boolean) {
    if (cutOff) res.setHeader('connection', 'close');
    send(res, 413, preTrpcError(413, 'PAYLOAD_TOO_LARGE', options.payloadTooLargeMessage), null);
  }

  async function subscribe(req: IncomingMessage, res: ServerResponse, path: string, input: unknown) {
    const { scope, setCookies } = scopeOf(req);
    const ctx = await options.createContext(scope);
    for (const [name, value] of Object.entries(baseHeaders)) if (name !== 'content-type') res.setHeader(name, value);
    if (setCookies.length) res.setHeader('set-cookie', setCookies);
    await options.subscriptions!.serve({ req, res, ctx, path, input });
  }

  return (req, res) => {
    const url = req.url;
    if (!url?.startsWith(PREFIX)) return false;
    const q = url.indexOf('?');
    const path = q < 0 ? url.slice(PREFIX.length) : url.slice(PREFIX.length, q);
    const procedure = procedures[path];
    if (!procedure) return false; // a batch ("a,b"), an escaped or unknown path: tRPC answers
    const type = procedure._def.type;
    let query: string | null = null;
    if (q >= 0) {
      const params = new URLSearchParams(url.slice(q + 1));
      if (params.has('batch')) return false;
      query = params.get('input');
    }
    if (type === 'subscription') {
      if (req.method !== 'GET' || !options.subscriptions?.takes(path)) return false;
      let input: unknown;
      try {
        input = query ? config.transformer.input.deserialize(JSON.parse(query)) : undefined;
      } catch {
        return false; // malformed input: tRPC's adapter says so in its own words
      }
      subscribe(req, res, path, input).catch((cause: unknown) => {
        const error = getTRPCErrorFromUnknown(cause);
        options.onError(error, path);
        if (!res.headersSent) {
          // With the id it is logged under (issue 20, item 8).
          const body = errorBody(error, path, 'query', input, undefined);
          res.writeHead(body.status, { ...baseHeaders });
          res.end(body.body);
        } else res.destroy();
      });
      return true;
    }
    if (!(type === 'query' ? req.method === 'GET' : type === 'mutation' && req.method === 'POST')) return false;
    const accept = req.headers['trpc-accept'] ?? req.headers.accept;
    if (accept?.includes('application/jsonl')) return false;
    const media = type === 'mutation' ? mediaType(req.headers['content-type']) : undefined;
    const multipart = media === 'multipart/form-data' && Boolean(options.multipart?.takes(path));
    if (type === 'mutation' && media !== 'application/json' && !multipart) return false;

    serve(req, res, path, procedure, query, multipart).catch((cause: unknown) => {
      // A broken socket or a failure before the call (every procedure error is answered above): logged under its id.
      const error = getTRPCErrorFromUnknown(cause);
      if (!req.socket.destroyed) options.onError(error, path);
      if (!res.headersSent) {
        const body = errorBody(error, path, type as 'query' | 'mutation', undefined, undefined);
        send(res, body.status, body.body, null);
      } else res.destroy();
    });
    return true;
  };
}

/** A refusal made before tRPC runs (cross-site, too large), in tRPC's error shape; both HTTP paths send it. */
export const preTrpcError = (status: number, code: string, message: string) =>
  JSON.stringify({ error: { message, code: -32600, data: { code, httpStatus: status } } });

const mediaType = (value: string | undefined) => value?.split(';', 1)[0]?.trim().toLowerCase();

/**
 * Mutations must come from a page of this app (CSRF): the Origin's host is this site's. Requests
 * without Origin (curl, servers) pass unless the browser says cross-site. Both HTTP paths ask this.
 */
export function fromThisSite(origin: string | null | undefined, fetchSite: string | null | undefined, site: string | undefined): boolean {
  if (!origin) return fetchSite !== 'cross-site';
  return sameOriginAs(origin, site);
}

const sameOrigin = (headers: IncomingMessage['headers'], site: (headers: IncomingMessage['headers']) => string | undefined) =>
  fromThisSite(headers.origin, headers['sec-fetch-site'] as string | undefined, site(headers));

/** This site's host as adapter-node sees it: ORIGIN when set, else HOST_HEADER (and PORT_HEADER) or Host. */
function siteHost(env: NodeJS.ProcessEnv): (headers: IncomingMessage['headers']) => string | undefined {
  if (env.ORIGIN) {
    // The whole origin, scheme included (issue 20: https://host passed for an http:// site).
    const origin = new URL(env.ORIGIN).origin;
    return () => origin;
  }
  const hostHeader = env.HOST_HEADER?.toLowerCase();
  const portHeader = env.PORT_HEADER?.toLowerCase();
  return (headers) => {
    const host = (hostHeader && (headers[hostHeader] as string | undefined)) || headers.host;
    const port = portHeader ? (headers[portHeader] as string | undefined) : undefined;
    return port && host ? `${host.replace(/:\d+$/, '')}:${port}` : host;
  };
}

/** The caller's address as adapter-node's `getClientAddress` gives it (ADDRESS_HEADER, XFF_DEPTH). */
function clientAddressReader(env: NodeJS.ProcessEnv): (req: IncomingMessage) => string | null {
  const header = env.ADDRESS_HEADER?.toLowerCase();
  if (!header) return (req) => req.socket.remoteAddress ?? null;
  const depth = Number(env.XFF_DEPTH ?? 1);
  return (req) => {
    const value = (req.headers[header] as string | undefined) ?? '';
    if (header !== 'x-forwarded-for') return value || null;
    const addresses = value.split(',');
    return depth >= 1 && depth <= addresses.length ? addresses[addresses.length - depth]!.trim() || null : null;
  };
}

/** The whole body, or null once it passes `limit` bytes (the rest is left unread, the request paused). */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total > limit) {
        req.off('data', onData);
        req.pause();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total)));
    req.once('error', reject);
    req.once('close', () => {
      if (!req.complete) reject(new Error('The client closed the request before sending its body'));
    });
  });
}

/** Cookies from the Cookie header; the ones set go out as Set-Cookie, with SvelteKit's attributes. */
export function cookieJar(header: string | null | undefined, out: { push(setCookie: string): unknown }, secure: boolean): CookieJar {
  const jar = parseCookies(header);
  const attrs = `Path=/; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
  return {
    get: (name) => jar.get(name),
    set: (name, value, { maxAgeSeconds }) => {
      jar.set(name, value);
      out.push(`${name}=${encodeURIComponent(value)}; Max-Age=${maxAgeSeconds}; ${attrs}`);
    },
    delete: (name) => {
      jar.delete(name);
      out.push(`${name}=; Max-Age=0; ${attrs}`);
    },
  };
}

/** name → value; the first of a repeated name wins, a value that is not valid %-encoding is kept as sent. */
export function parseCookies(header: string | null | undefined): Map<string, string> {
  const jar = new Map<string, string>();
  if (!header) return jar;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    const name = part.slice(0, i).trim();
    if (jar.has(name)) continue;
    let value = part.slice(i + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    try {
      value = value.includes('%') ? decodeURIComponent(value) : value;
    } catch {
      // keep it as sent
    }
    jar.set(name, value);
  }
  return jar;
}
