/**
 * Server wiring shared by both apps: one ApiDeps per process, the tRPC fetch handler, the Stripe
 * webhook and the photo route. The apps only adapt SvelteKit's request and cookies to these.
 */
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { createDb, databaseUrl, MAX_UPLOAD_BYTES, type DbHandle } from '@h2s/db';
import { resolveSession, SESSION_TTL_MS } from './domain/auth';
import { handleStripeWebhook } from './domain/checkout';
import { clockFromEnv, type Clock } from './domain/clock';
import { pgLiveBus, pollingLiveBus } from './domain/live';
import { paymentsFromEnv, type Payments } from './domain/payments';
import { storageFromEnv } from './domain/storage-env';
import type { FileStore } from './domain/storage';
import { serveUpload } from './domain/uploads';
import { appRouter } from './root';
import { createCallerFactory, type ApiDeps, type Context, type CookieJar, type RequestScope } from './trpc';

export { fieldErrorsOfError } from './trpc';
export type { CookieJar, RequestScope } from './trpc';
export type { Viewer } from './domain/auth';

/** One photo plus the multipart envelope around it. */
const TRPC_BODY_LIMIT = MAX_UPLOAD_BYTES + 64 * 1024;

/** An error in the shape tRPC's own responses have, for refusals made before tRPC runs. */
const trpcError = (status: number, code: string, message: string) =>
  Response.json({ error: { message, code: -32600, data: { code, httpStatus: status } } }, { status });

/** Stripe events are a few KB; anything near this is not from Stripe. */
const WEBHOOK_BODY_LIMIT = 1024 * 1024;
export const DEV_URL_SIGNING_SECRET = 'h2s-dev-url-signing-secret-not-for-production';

export interface AppServerOptions {
  app: 'customer' | 'portal';
  env?: NodeJS.ProcessEnv;
  handle?: DbHandle;
  clock?: Clock;
  storage?: FileStore;
  payments?: Payments;
}

export type AppServer = ReturnType<typeof createAppServer>;

export function createAppServer(options: AppServerOptions) {
  const env = options.env ?? process.env;
  const handle = options.handle ?? createDb(databaseUrl(), { max: Number(env.DATABASE_POOL_MAX ?? 10) });
  const production = env.NODE_ENV === 'production';
  const urlSigningSecret = env.URL_SIGNING_SECRET ?? (production ? undefined : DEV_URL_SIGNING_SECRET);
  if (!urlSigningSecret) throw new Error('URL_SIGNING_SECRET must be set in production.');
  const customerOrigin = (env.CUSTOMER_ORIGIN ?? (options.app === 'customer' ? env.ORIGIN : undefined) ?? 'http://localhost:5173').replace(/\/$/, '');
  const deps: ApiDeps = {
    db: handle.db,
    clock: options.clock ?? clockFromEnv(env.H2S_NOW),
    storage: options.storage ?? storageFromEnv(env),
    payments: options.payments ?? paymentsFromEnv(env),
    live: env.LIVE_MODE === 'poll' ? pollingLiveBus(handle.db) : pgLiveBus(handle.sql),
    urlSigningSecret,
    customerOrigin,
    secureCookies: production && (env.ORIGIN ?? '').startsWith('https:'),
    development: !production,
    mailViaWorker: production || Boolean(env.SMTP_URL),
  };
  const sessionCookie = options.app === 'customer' ? 'h2s_customer_session' : 'h2s_portal_session';
  const createCaller = createCallerFactory(appRouter);

  async function createContext({ cookies, clientIp }: RequestScope): Promise<Context> {
    const token = cookies.get(sessionCookie);
    const resolved = token ? await resolveSession(deps.db, token, deps.clock.now()) : null;
    if (token && !resolved) cookies.delete(sessionCookie);
    if (token && resolved?.renewedUntil) cookies.set(sessionCookie, token, { maxAgeSeconds: Math.floor(SESSION_TTL_MS / 1000) });
    return { ...deps, viewer: resolved?.viewer ?? null, cookies, sessionCookie, clientIp };
  }

  async function handleTrpc(request: Request, scope: RequestScope): Promise<Response> {
    if (request.method !== 'GET' && !isSameOrigin(request)) return trpcError(403, 'FORBIDDEN', 'Cross-site request refused');
    // Refused before a byte of the body is read; the largest legitimate body is one photo.
    if (Number(request.headers.get('content-length') ?? 0) > TRPC_BODY_LIMIT) {
      return trpcError(413, 'PAYLOAD_TOO_LARGE', `Request too large: photos can be at most ${MAX_UPLOAD_BYTES / 1024 / 1024} MB`);
    }
    return fetchRequestHandler({
      endpoint: '/api/trpc',
      req: request,
      router: appRouter,
      createContext: () => createContext(scope),
      onError({ error, path }) {
        if (error.code === 'INTERNAL_SERVER_ERROR') console.error(`[trpc] ${path ?? '?'}:`, error.cause ?? error);
      },
    });
  }

  return {
    app: options.app,
    deps,
    sessionCookie,
    createContext,
    /** A server-side caller for page loads and actions: same procedures, same checks, no HTTP. */
    caller: async (scope: RequestScope) => createCaller(await createContext(scope)),
    callerFor: async (ctx: Context) => createCaller(ctx),

    handleTrpc,

    /** handleTrpc for plain HTTP (tests, benchmarks): cookies come from and go to headers. */
    async handlePlainTrpc(request: Request): Promise<Response> {
      const resHeaders = new Headers();
      const response = await handleTrpc(request, { cookies: headerCookieJar(request, resHeaders), clientIp: null });
      for (const cookie of resHeaders.getSetCookie()) response.headers.append('set-cookie', cookie);
      return response;
    },

    async handleWebhook(request: Request): Promise<Response> {
      const length = Number(request.headers.get('content-length') ?? 0);
      if (length > WEBHOOK_BODY_LIMIT) return Response.json({ received: false, error: 'Payload too large' }, { status: 413 });
      const raw = await request.text();
      if (raw.length > WEBHOOK_BODY_LIMIT) return Response.json({ received: false, error: 'Payload too large' }, { status: 413 });
      try {
        const result = await handleStripeWebhook(deps, raw, request.headers.get('stripe-signature'), deps.clock.now());
        return Response.json(result.body, { status: result.status });
      } catch (error) {
        // Nothing was committed; Stripe retries a 5xx, and the retry applies the event once.
        console.error('[stripe] webhook failed:', error);
        return Response.json({ received: false, error: 'Temporary failure, retry' }, { status: 503 });
      }
    },

    serveUpload: (request: Request, scope: RequestScope) => serveUpload(deps, request, scope),

    async close() {
      await deps.live.close();
      await handle.close();
    },
  };
}

/** Mutations must come from a page of this app (CSRF); requests without Origin (curl, server) pass. */
export function isSameOrigin(request: Request): boolean {
  const origin = request.headers.get('origin');
  if (!origin) return request.headers.get('sec-fetch-site') !== 'cross-site';
  try {
    return new URL(origin).host === new URL(request.url).host;
  } catch {
    return false;
  }
}

/** Cookies read from a Request and written to response headers (plain HTTP, tests). */
export function headerCookieJar(request: Request, resHeaders: Headers, secure = false): CookieJar {
  const jar = new Map<string, string>();
  for (const part of (request.headers.get('cookie') ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) jar.set(part.slice(0, i).trim(), decodeURIComponent(part.slice(i + 1).trim()));
  }
  const attrs = `Path=/; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
  return {
    get: (name) => jar.get(name),
    set: (name, value, { maxAgeSeconds }) => {
      jar.set(name, value);
      resHeaders.append('set-cookie', `${name}=${encodeURIComponent(value)}; Max-Age=${maxAgeSeconds}; ${attrs}`);
    },
    delete: (name) => {
      jar.delete(name);
      resHeaders.append('set-cookie', `${name}=; Max-Age=0; ${attrs}`);
    },
  };
}
