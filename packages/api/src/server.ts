/**
 * Server wiring shared by both apps: one ApiDeps per process, the tRPC fetch handler, the Stripe
 * webhook and the photo route. The apps only adapt SvelteKit's request and cookies to these.
 */
import type { TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { createDb, databaseUrl, MAX_UPLOAD_BYTES, type DbHandle } from '@h2s/db';
import { loadConfig, type AppConfig } from './config';
import { expireAbandonedTestCheckouts } from './domain/abandoned-checkouts';
import { hashToken, resolveSession, SESSION_TTL_MS } from './domain/auth';
import { clockFromEnv, type Clock } from './domain/clock';
import { pgLiveBus, SessionStreams } from './domain/live';
import { stripePayments, testPayments, type Payments } from './domain/payments';
import { localFileStore, type FileStore } from './domain/storage';
import { uploadThingStore } from './domain/uploadthing';
import { serveUpload } from './http/uploads';
import { handleStripeWebhookRequest, nodeStripeWebhookHandler } from './http/stripe-webhook';
import { nodeSmsInboundHandler } from './http/sms-inbound';
import { securityHeaders } from './http/security-headers';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_BATCH_SIZE, nodeTrpcHandler, type NodeHandler, type TrpcLane } from './http/node-trpc';
import { createNodeServer, listenAndServe, type KitHandler } from './http/node-server';
import { preTrpcError } from './http/error-shape';
import { fromThisSite } from './http/request-origin';
import { readLimited } from './http/body-web';
import { healthResponse, nodeHealthHandler } from './http/health';
import { edgeRefusal } from './http/limits';
import { serveAdmitted, StreamAdmission } from './http/stream-limits';
import { nodeEdgeRefusals } from './http/node-limits';
import { sessionEndListener } from './domain/session-end';
import { createLiveHub, isLiveSsePath, serveLiveSse } from './http/live-sse';
import {
  DEFAULT_UPLOAD_TMP_DIR,
  parseStreamedUpload as parseUpload,
  uploadRefusalBody,
  UploadRefused as Refused,
  uploadTooLarge,
} from './http/multipart';
import { isStreamedUploadCall, streamUploadCall } from './http/upload-call';
import { logInternalError } from './internal-errors';
import { appRouter } from './root';
import { createCallerFactory, type ApiDeps, type Context, type RequestScope } from './trpc';

export { fieldErrorsOfError } from './trpc';
export { handleServerError, INTERNAL_ERROR_MESSAGE } from './internal-errors';
export type { CookieJar, RequestScope } from './trpc';
export { ConfigError, loadConfig, type AppConfig } from './config';
export { SECURITY_HEADERS, HSTS, securityHeaders } from './http/security-headers';
export type { NodeHandler, TrpcLane } from './http/node-trpc';
export type { KitHandler } from './http/node-server';
export { headerCookieJar } from './http/cookies';
import { headerCookieJar } from './http/cookies';
export type { Viewer } from './domain/auth';
export {
  parseStreamedUpload,
  StreamedUpload,
  UPLOAD_BODY_LIMIT,
  UploadRefused,
  uploadRefusalResponse,
  type StreamedUploadOptions,
} from './http/multipart';

/** One photo plus the multipart envelope around it. */
const TRPC_BODY_LIMIT = MAX_UPLOAD_BYTES + 64 * 1024;

/** An error in the shape tRPC's own responses have, for refusals made before tRPC runs. */
const trpcError = (status: number, code: TRPC_ERROR_CODE_KEY, message: string) =>
  new Response(preTrpcError(status, code, message), { status, headers: { 'content-type': 'application/json' } });

const PAYLOAD_TOO_LARGE_MESSAGE = uploadTooLarge().message;
const payloadTooLarge = () => trpcError(413, 'PAYLOAD_TOO_LARGE', PAYLOAD_TOO_LARGE_MESSAGE);

/**
 * How long a session read stays good for this process's requests (issue 13): a page load and the
 * procedures it calls share one lookup. Signing out or a new password clears it here at once; another
 * process (WEB_CONCURRENCY workers, the other app) may accept a signed-out cookie for up to this long.
 */
export const SESSION_CACHE_MS = 5_000;

export interface AppServerOptions {
  app: 'customer' | 'portal';
  env?: NodeJS.ProcessEnv;
  handle?: DbHandle;
  clock?: Clock;
  storage?: FileStore;
  payments?: Payments;
  /** Where streamed photos wait while their call runs (default: h2s-upload-staging in the OS temp directory). */
  uploadTmpDir?: string;
}

export type AppServer = ReturnType<typeof createAppServer>;

/** Real Stripe with a key, else the built-in test checkout; webhooks are verified either way. */
export const paymentsFor = (config: AppConfig): Payments =>
  config.paymentsMode === 'stripe' && config.stripeSecretKey
    ? stripePayments(config.stripeSecretKey, config.stripeWebhookSecret)
    : testPayments(config.stripeWebhookSecret);

export function createAppServer(options: AppServerOptions) {
  // Read once, before anything connects: in production a missing or unsafe setting stops the start here.
  const config: AppConfig = loadConfig(options.app, options.env ?? process.env);
  const handle = options.handle ?? createDb(config.databaseUrl ?? databaseUrl(), { max: config.databasePoolMax });
  const deps: ApiDeps = {
    db: handle.db,
    clock: options.clock ?? clockFromEnv(config.now ?? undefined),
    storage: options.storage ?? (config.uploadThingToken ? uploadThingStore(config.uploadThingToken) : localFileStore(config.uploadDir)),
    payments: options.payments ?? paymentsFor(config),
    live: pgLiveBus(handle.sql),
    streams: new SessionStreams(),
    urlSigningSecret: config.urlSigningSecret,
    customerOrigin: config.customerOrigin,
    secureCookies: config.secureTransport,
    development: !config.production,
    // Production always mails through the worker (SMTP); development does once SMTP_URL is set.
    mailViaWorker: config.production || Boolean((options.env ?? process.env).SMTP_URL),
  };
  // `__Host-`: the browser keeps it only if Secure, for this host, on every path (no subdomain can set it).
  const sessionCookie = `${config.secureTransport ? '__Host-' : ''}${options.app === 'customer' ? 'h2s_customer_session' : 'h2s_portal_session'}`;
  // The test checkout has no Stripe to expire what customers leave unpaid; the customer app sweeps.
  let sweeping = false;
  const sweep = async () => {
    if (sweeping) return;
    sweeping = true;
    try {
      await expireAbandonedTestCheckouts(deps, deps.clock.now());
    } catch (error) {
      logInternalError(error, '[checkout] expiring abandoned test checkouts');
    } finally {
      sweeping = false;
    }
  };
  const sweeps = options.app === 'customer' && deps.payments.mode === 'test' && (options.env ?? process.env).NODE_ENV !== 'test';
  let sweeper: NodeJS.Timeout | null = null;
  // Started by the first request, not at import: a build imports this module with no database.
  const startSweeper = () => {
    if (!sweeps || sweeper) return;
    sweeper = setInterval(() => void sweep(), 10 * 60 * 1000);
    sweeper.unref();
    void sweep();
  };
  const createCaller = createCallerFactory(appRouter);
  // The live subscriptions' fan-out for the node:http fast path (http/live-sse.ts's serveLiveSse).
  const liveHub = createLiveHub({ ...deps, caller: (ctx) => createCaller(ctx) });
  const streamAdmission = new StreamAdmission(config.liveStreamsPerSession, config.liveStreamsPerProcess);
  const uploadTmpDir = options.uploadTmpDir ?? DEFAULT_UPLOAD_TMP_DIR;

  // Sign-outs in other processes end this process's streams of that session at once (domain/session-end.ts).
  const sessionEnds = sessionEndListener(handle.sql, deps.streams, (error) => logInternalError(error, '[live] listening for sign-outs'));

  async function createContext({ cookies, clientIp }: RequestScope): Promise<Context> {
    startSweeper();
    sessionEnds.start();
    const token = cookies.get(sessionCookie);
    const resolved = token ? await resolveSession(deps.db, token, deps.clock.now(), { cacheMs: SESSION_CACHE_MS }) : null;
    if (token && !resolved) cookies.delete(sessionCookie);
    if (token && resolved?.renewedUntil) cookies.set(sessionCookie, token, { maxAgeSeconds: Math.floor(SESSION_TTL_MS / 1000) });
    return { ...deps, viewer: resolved?.viewer ?? null, cookies, sessionCookie, sessionKey: resolved ? hashToken(token!) : null, clientIp };
  }

  const onTrpcError = ({ error, path }: { error: TRPCError; path: string | undefined }) => {
    if (error.code === 'INTERNAL_SERVER_ERROR') logInternalError(error, `[trpc] ${path ?? '?'}`);
    // A retryable failure (dropped connection, deadlock): the client is told to retry; the log has why, under its id.
    if (error.code === 'SERVICE_UNAVAILABLE') logInternalError(error, `[trpc] ${path ?? '?'}: 503 (retryable)`, console.warn);
  };

  async function handleTrpc(request: Request, scope: RequestScope): Promise<Response> {
    if (request.method !== 'GET' && !isSameOrigin(request)) return trpcError(403, 'FORBIDDEN', 'Cross-site request refused');
    // Refused before a byte of the body is read; the largest legitimate body is one photo.
    if (Number(request.headers.get('content-length') ?? 0) > TRPC_BODY_LIMIT) return payloadTooLarge();
    const refused = edgeRefusal({ method: request.method, url: request.url, contentType: request.headers.get('content-type') });
    if (refused) return trpcError(refused.status, refused.code, refused.message);
    // A photo is streamed to a temporary file (http/upload-call.ts), never buffered whole; then answered below.
    if (isStreamedUploadCall(request)) return streamUploadCall(request, (req) => handleTrpc(req, scope), { tmpDir: uploadTmpDir });
    let req = request;
    if (request.body && request.method !== 'GET') {
      // A body without a declared length (chunked), or cut off by the server's own BODY_SIZE_LIMIT,
      // is counted as it arrives: over the limit it is the same 413, never the adapter's text.
      const body = await readLimited(request.body, TRPC_BODY_LIMIT);
      if (body === null) return payloadTooLarge();
      req = new Request(request.url, { method: request.method, headers: request.headers, body, signal: request.signal });
    }
    return fetchRequestHandler({
      endpoint: '/api/trpc',
      req,
      router: appRouter,
      maxBatchSize: MAX_BATCH_SIZE,
      createContext: () => createContext(scope),
      onError: onTrpcError,
    });
  }

  /** The node:http hot path for single calls (http/node-trpc.ts); false = not taken, serve it with handleTrpc. */
  const handleNodeTrpc: NodeHandler = nodeTrpcHandler({
    router: appRouter,
    createContext,
    createCaller: (ctx, callOptions) => createCaller(ctx, callOptions),
    onError: (error, path) => onTrpcError({ error, path }),
    secureCookies: deps.secureCookies,
    hsts: config.secureTransport,
    bodyLimit: TRPC_BODY_LIMIT,
    payloadTooLargeMessage: PAYLOAD_TOO_LARGE_MESSAGE,
    env: options.env ?? process.env,
    // live.jobChanges and tracking.changes: one LISTEN, one frame per change written to every socket.
    subscriptions: {
      takes: isLiveSsePath,
      serve: (request) => serveAdmitted(streamAdmission, request, () => serveLiveSse(liveHub, request)),
    },
    // uploads.create: the photo streams to a file on disk (http/multipart.ts), never whole in memory.
    multipart: {
      takes: (path) => path === 'uploads.create',
      async parse(req) {
        const upload = await parseUpload(req.headers, req, { tmpDir: uploadTmpDir });
        return { input: upload, dispose: () => upload.dispose() };
      },
      refusal: (error, path) =>
        error instanceof Refused
          ? { status: error.status, body: JSON.stringify(uploadRefusalBody(error, path)), cutOff: error.cutOff }
          : null,
    },
  });
  const handleNodeWebhook = options.app === 'customer' ? nodeStripeWebhookHandler(deps, securityHeaders(config.secureTransport)) : null;
  const handleNodeSms =
    options.app === 'customer'
      ? nodeSmsInboundHandler(
          { db: deps.db, clock: deps.clock, twilio: config.twilio },
          config.ownOrigin ?? config.customerOrigin,
          securityHeaders(config.secureTransport),
        )
      : null;
  const handleNodeHealth = nodeHealthHandler(deps.db);
  const handleNodeEdge = nodeEdgeRefusals(securityHeaders(config.secureTransport));
  /** The node:http lanes: health, an edge refusal, tRPC (which lane answered), the webhook or inbound texts; false = not ours, SvelteKit serves it. */
  const handleNode = (req: IncomingMessage, res: ServerResponse): TrpcLane | 'health' | 'edge' | 'webhook' | 'sms' | false =>
    (handleNodeHealth(req, res) && 'health') ||
    (handleNodeEdge(req, res) && 'edge') ||
    handleNodeTrpc(req, res) ||
    (handleNodeWebhook?.(req, res) ? 'webhook' : false) ||
    (handleNodeSms?.(req, res) ? 'sms' : false);

  return {
    app: options.app,
    config,
    deps,
    sessionCookie,
    createContext,
    /** A server-side caller for page loads and actions: same procedures, same checks, no HTTP. */
    caller: async (scope: RequestScope) => createCaller(await createContext(scope)),
    callerFor: async (ctx: Context) => createCaller(ctx),

    handleTrpc,
    handleNode,
    /**
     * The built app's node:http server (adapter-node's custom server): the lanes above, then
     * SvelteKit's handler from the build. Listens per PORT/HOST and shuts down on SIGTERM/SIGINT.
     */
    async listen(kit: KitHandler, env: NodeJS.ProcessEnv = options.env ?? process.env) {
      const httpServer = createNodeServer({ lanes: handleNode, kit, env });
      await listenAndServe(httpServer, env);
      return httpServer;
    },
    liveHub,
    /** Where parseStreamedUpload puts this app's photos while their call runs. */
    uploadTmpDir,

    /** handleTrpc for plain HTTP (tests, benchmarks): cookies come from and go to headers. */
    async handlePlainTrpc(request: Request): Promise<Response> {
      const resHeaders = new Headers();
      const response = await handleTrpc(request, { cookies: headerCookieJar(request, resHeaders, deps.secureCookies), clientIp: null });
      for (const cookie of resHeaders.getSetCookie()) response.headers.append('set-cookie', cookie);
      return response;
    },

    /** GET /healthz and /readyz (http/health.ts) for SvelteKit's handle; null for any other request. */
    health: (request: Request) => healthResponse(deps.db, request.method, new URL(request.url).pathname),

    handleWebhook: (request: Request): Promise<Response> => handleStripeWebhookRequest(deps, request),

    serveUpload: (request: Request, scope: RequestScope) => serveUpload(deps, request, scope),

    /** Expires the test checkout's lapsed orders now (the customer app also does so every 10 minutes). */
    sweepAbandonedCheckouts: sweep,

    async close() {
      if (sweeper) clearInterval(sweeper);
      await sessionEnds.close();
      await liveHub.close();
      await deps.live.close();
      await handle.close();
    },
  };
}

/** Mutations must come from a page of this app (CSRF); requests without Origin (curl, server) pass. */
export function isSameOrigin(request: Request): boolean {
  return fromThisSite(request.headers.get('origin'), request.headers.get('sec-fetch-site'), new URL(request.url).origin);
}
