/**
 * The built app's node:http server (adapter-node's documented "custom server": the build's
 * `handler.js` mounted in a server of our own). It routes the node:http lanes (tRPC, the Stripe
 * webhook, live streams, uploads: the API's `handleNode`) and hands everything else to SvelteKit.
 * Listening and shutdown follow adapter-node's own entry: PORT / HOST / SOCKET_PATH, KEEP_ALIVE_TIMEOUT,
 * HEADERS_TIMEOUT, and on SIGTERM/SIGINT no new connections, idle ones closed, the rest given
 * SHUTDOWN_TIMEOUT seconds, then `sveltekit:shutdown` so the app closes its database pool.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** SvelteKit's handler from the build (a polka-style middleware). */
export type KitHandler = (req: IncomingMessage, res: ServerResponse, next?: () => void) => unknown;

/** A lane that answers a request itself (truthy) or leaves it (false). */
export type NodeLanes = (req: IncomingMessage, res: ServerResponse) => unknown;

export interface NodeServerOptions {
  lanes: NodeLanes;
  kit: KitHandler;
  env?: NodeJS.ProcessEnv;
}

const seconds = (env: NodeJS.ProcessEnv, name: string): number | undefined => {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw)) throw new Error(`${name} must be a whole number of seconds, not "${raw}"`);
  return Number(raw);
};

/** The server, not yet listening: the lanes first, then SvelteKit (a 404 when SvelteKit passes it on). */
export function createNodeServer({ lanes, kit, env = process.env }: NodeServerOptions): Server {
  const server = createServer((req, res) => {
    if (lanes(req, res)) return;
    kit(req, res, () => {
      res.statusCode = 404;
      res.end('Not found');
    });
  });
  const keepAlive = seconds(env, 'KEEP_ALIVE_TIMEOUT');
  if (keepAlive !== undefined) server.keepAliveTimeout = keepAlive * 1000;
  const headers = seconds(env, 'HEADERS_TIMEOUT');
  if (headers !== undefined) server.headersTimeout = headers * 1000;
  return server;
}

/** Listens as adapter-node's entry does and shuts down gracefully on SIGTERM/SIGINT. */
export function listenAndServe(server: Server, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const path = env.SOCKET_PATH || undefined;
  const host = env.HOST || '0.0.0.0';
  const port = path ? undefined : Number(env.PORT || 3000);
  const shutdownSeconds = seconds(env, 'SHUTDOWN_TIMEOUT') ?? 30;

  let stopping = false;
  const shutdown = (reason: 'SIGINT' | 'SIGTERM') => {
    if (stopping) return;
    stopping = true;
    // A keep-alive connection would hold close() until it times out: close the idle ones first.
    server.closeIdleConnections();
    const force = setTimeout(() => server.closeAllConnections(), shutdownSeconds * 1000);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      process.emit('sveltekit:shutdown' as 'beforeExit', reason as unknown as number);
    });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const announce = () => {
      const address = server.address();
      const where = typeof address === 'string' ? address : `http://${host}:${address?.port ?? port}`;
      console.log(`Listening on ${where}`);
      resolve();
    };
    if (path) server.listen({ path }, announce);
    else server.listen({ host, port }, announce);
  });
}
