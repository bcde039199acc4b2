/**
 * Serves a built app for its browser tests on a fresh, migrated, seeded database:
 *   tsx scripts/e2e-serve.ts <customer|portal> <port> [--with <other-app>:<port>]
 * Starts its own PostgreSQL server when DATABASE_URL is unset. Writes the database URL to
 * E2E_DB_FILE when given, so tests can arrange data directly.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb } from '@h2s/db';
import { createTestDatabase, startPostgresServer, type PostgresServer } from '@h2s/db/testing';
import { seedDemo } from '@h2s/api/seed';

const root = new URL('..', import.meta.url).pathname;
const apps = process.argv.slice(2).filter((a) => /^(customer|portal):\d+$/.test(a));
if (!apps.length) throw new Error('usage: e2e-serve.ts customer:4173 [portal:4174]');

let server: PostgresServer | null = null;
if (!process.env.DATABASE_URL) {
  server = await startPostgresServer();
  process.env.DATABASE_URL = server.url;
}
const database = await createTestDatabase({ max: 1 });
const ports = Object.fromEntries(apps.map((a) => a.split(':')));
const customerOrigin = `http://localhost:${ports.customer ?? 4173}`;
const seedHandle = createDb(database.url, { max: 1 });
await seedDemo(seedHandle.db, new Date(), customerOrigin);
await seedHandle.close();
if (process.env.E2E_DB_FILE) writeFileSync(process.env.E2E_DB_FILE, database.url);

const uploadDir = mkdtempSync(join(tmpdir(), 'h2s-e2e-uploads-'));
const children: ChildProcess[] = apps.map((entry) => {
  const [app, port] = entry.split(':') as [string, string];
  return spawn('node', [join(root, 'apps', app, 'build')], {
    stdio: 'inherit',
    env: {
      ...process.env,
      DATABASE_URL: database.url,
      PORT: port,
      ORIGIN: `http://localhost:${port}`,
      CUSTOMER_ORIGIN: customerOrigin,
      UPLOAD_DIR: uploadDir,
      DATABASE_POOL_MAX: '5',
    },
  });
});

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 300));
  await database.drop().catch(() => {});
  server?.stop();
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
for (const child of children) child.on('exit', () => void stop());
