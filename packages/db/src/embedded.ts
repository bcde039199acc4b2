/**
 * Embedded PostgreSQL (PGlite, in WASM) for `pnpm dev`: no server to install. PGlite lives in one
 * process, so it is served over a local socket and every app connects with the same `postgres`
 * driver as production.
 */
import { mkdirSync } from 'node:fs';
import { createConnection } from 'node:net';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export const EMBEDDED_PORT = Number(process.env.EMBEDDED_PG_PORT ?? 54329);
export const embeddedUrl = (port = EMBEDDED_PORT) => `postgres://postgres@127.0.0.1:${port}/postgres`;

export interface EmbeddedServer {
  url: string;
  stop(): Promise<void>;
}

/** True when something already listens on the port (a running `pnpm dev`). */
export function isListening(port = EMBEDDED_PORT): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), done(true)));
    socket.once('error', () => done(false));
  });
}

export async function startEmbedded(dataDir = '.data/pglite', port = EMBEDDED_PORT): Promise<EmbeddedServer> {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  // btree_gist: the exclusion constraint that keeps a pro's live windows apart (migration 0007).
  const db = await PGlite.create(dir, { extensions: { btree_gist } });
  // The socket server multiplexes connections onto PGlite's single session, query by query.
  const server = new PGLiteSocketServer({ db, port, host: '127.0.0.1', maxConnections: 64 });
  await server.start();
  return {
    url: embeddedUrl(port),
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

/**
 * For command-line tools: DATABASE_URL, else the embedded database of a running `pnpm dev`, else
 * the embedded database under .data/ opened just for this command.
 */
export async function cliDatabaseUrl(): Promise<{ url: string; stop(): Promise<void> }> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, stop: async () => {} };
  if (await isListening()) return { url: embeddedUrl(), stop: async () => {} };
  const root = new URL('../../../', import.meta.url).pathname;
  const server = await startEmbedded(`${root}.data/pglite`);
  return { url: server.url, stop: () => server.stop() };
}
