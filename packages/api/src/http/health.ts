/**
 * `GET /healthz` and `GET /readyz` for a load balancer or orchestrator (issue 20, item 8), the same on
 * both apps and both HTTP paths (node:http and SvelteKit call `healthAnswer` with one line each).
 * - /healthz: the process is up and answering (no I/O).
 * - /readyz: the database answers, every committed migration is applied, and a background worker
 *   recorded a heartbeat within WORKER_HEARTBEAT_STALE_SECONDS. JSON, 200 when all hold, else 503.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { databaseHealth, type Database } from '@h2s/db';
import { logInternalError } from '../internal-errors';

/** The worker beats every WORKER_HEARTBEAT_MS; three missed beats and it counts as down. */
export const WORKER_HEARTBEAT_MS = 15_000;
export const WORKER_HEARTBEAT_STALE_SECONDS = 60;
const DATABASE_TIMEOUT_MS = 3_000;

export const HEALTH_PATHS = new Set(['/healthz', '/readyz']);

export interface HealthAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** The answer for /healthz or /readyz, or null for any other path. */
export async function healthAnswer(db: Database, pathname: string): Promise<HealthAnswer | null> {
  if (pathname === '/healthz') return { status: 200, body: { status: 'ok' } };
  if (pathname !== '/readyz') return null;
  let timer: NodeJS.Timeout | undefined;
  try {
    const health = await Promise.race([
      databaseHealth(db),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the database did not answer within ${DATABASE_TIMEOUT_MS} ms`)), DATABASE_TIMEOUT_MS);
      }),
    ]);
    const worker =
      health.heartbeatAgeSeconds === null ? 'never seen' : health.heartbeatAgeSeconds <= WORKER_HEARTBEAT_STALE_SECONDS ? 'ok' : 'stale';
    const checks = {
      database: 'ok',
      migrations: health.migrationsCurrent ? 'current' : 'behind',
      worker,
      workerHeartbeatAgeSeconds: health.heartbeatAgeSeconds === null ? null : Math.round(health.heartbeatAgeSeconds),
    };
    const ready = health.migrationsCurrent && worker === 'ok';
    return { status: ready ? 200 : 503, body: { status: ready ? 'ready' : 'not ready', checks } };
  } catch (error) {
    const errorId = logInternalError(error, '[readyz] database check');
    return { status: 503, body: { status: 'not ready', checks: { database: 'unreachable' }, errorId } };
  } finally {
    clearTimeout(timer);
  }
}

const HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' };

/** For SvelteKit's `handle`: a Response for the two paths (GET or HEAD), else null. */
export async function healthResponse(db: Database, method: string, pathname: string): Promise<Response | null> {
  if (!HEALTH_PATHS.has(pathname) || (method !== 'GET' && method !== 'HEAD')) return null;
  const answer = (await healthAnswer(db, pathname))!;
  return new Response(method === 'HEAD' ? null : JSON.stringify(answer.body), { status: answer.status, headers: HEADERS });
}

/** For the node:http server: answers the two paths (true), else false (untouched). */
export function nodeHealthHandler(db: Database): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const pathname = q < 0 ? url : url.slice(0, q);
    if (!HEALTH_PATHS.has(pathname) || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
    void healthAnswer(db, pathname).then((answer) => {
      const body = JSON.stringify(answer!.body);
      res.writeHead(answer!.status, { ...HEADERS, 'content-length': Buffer.byteLength(body) });
      res.end(req.method === 'HEAD' ? undefined : body);
    });
    return true;
  };
}
