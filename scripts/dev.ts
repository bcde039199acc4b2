/**
 * `pnpm dev`: embedded PostgreSQL in .data/, migrated and seeded, then both apps in dev mode.
 * With DATABASE_URL set, that server is used instead.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createDb, runMigrations } from '@h2s/db';
import { startEmbedded, type EmbeddedServer } from '@h2s/db/embedded';

const root = new URL('..', import.meta.url).pathname;
// .env (never committed) overrides nothing already set in the shell.
if (existsSync(`${root}.env`)) process.loadEnvFile(`${root}.env`);
let embedded: EmbeddedServer | null = null;
if (!process.env.DATABASE_URL) {
  embedded = await startEmbedded(`${root}.data/pglite`);
  console.log(`[dev] embedded PostgreSQL (PGlite) on ${embedded.url}, data in .data/pglite`);
}
const url = process.env.DATABASE_URL ?? embedded!.url;

const handle = createDb(url, { max: 1 });
await runMigrations(handle);
await handle.close();

const env = {
  ...process.env,
  DATABASE_URL: url,
  // PGlite runs one query at a time; small pools keep the socket multiplexer's queue short.
  DATABASE_POOL_MAX: process.env.DATABASE_POOL_MAX ?? (embedded ? '2' : '10'),
  // NOTIFY does not cross PGlite's socket connections; the apps poll the job_events table instead.
  LIVE_MODE: process.env.LIVE_MODE ?? (embedded ? 'poll' : 'notify'),
  UPLOAD_DIR: process.env.UPLOAD_DIR ?? `${root}.data/uploads`,
  CUSTOMER_ORIGIN: process.env.CUSTOMER_ORIGIN ?? 'http://localhost:5173',
};

const seed = spawn('pnpm', ['--silent', 'db:seed'], { cwd: root, env, stdio: 'inherit' });
const seeded = await new Promise<number>((done) => seed.on('exit', (code) => done(code ?? 1)));
if (seeded !== 0) {
  await embedded?.stop();
  process.exit(seeded);
}

const children: ChildProcess[] = ['customer', 'portal'].map((app) =>
  spawn('pnpm', ['--filter', `@h2s/${app}`, 'dev'], { cwd: root, env, stdio: 'inherit' }),
);
// The background worker (email, reminders; mail to the dev outbox unless SMTP_URL is set). Its exit does not stop the apps.
const worker = spawn('pnpm', ['--filter', '@h2s/api', 'worker'], { cwd: root, env, stdio: 'inherit' });
console.log('[dev] customer app: http://localhost:5173   portal: http://localhost:5174');

let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const child of [...children, worker]) child.kill('SIGTERM');
  await embedded?.stop();
  process.exit(code);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
for (const child of children) child.on('exit', (code) => void stop(code ?? 0));
