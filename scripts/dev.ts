/**
 * `pnpm dev`: embedded PostgreSQL in .data/, migrated and seeded, then both apps in dev mode.
 * With DATABASE_URL set, that server is used instead.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createDb, runMigrations } from '@h2s/db';
import { ConfigError, loadConfig } from '@h2s/api/config';
import { DEFAULT_EMBEDDED_DIR, startEmbedded, type EmbeddedServer } from '@h2s/db/embedded';
import { waitForServer, warmPage } from './dev-warm';

const root = new URL('..', import.meta.url).pathname;
// .env (never committed) overrides nothing already set in the shell.
if (existsSync(`${root}.env`)) process.loadEnvFile(`${root}.env`);
// Every setting of both apps is checked before anything starts (a bad one is named, then nothing runs).
try {
  for (const app of ['customer', 'portal'] as const) loadConfig(app, process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}
let embedded: EmbeddedServer | null = null;
if (!process.env.DATABASE_URL) {
  const started = Date.now();
  embedded = await startEmbedded(DEFAULT_EMBEDDED_DIR, undefined, {
    onPortTaken: (taken, chosen) => console.log(`[dev] port ${taken} is taken; embedded PostgreSQL uses port ${chosen} instead`),
  });
  console.log(`[dev] embedded PostgreSQL 18 on 127.0.0.1:${embedded.port} (ready in ${Date.now() - started} ms), data in .data/postgres`);
}
const url = process.env.DATABASE_URL || embedded!.url;

const handle = createDb(url, { max: 1 });
await runMigrations(handle);
await handle.close();

const env = {
  ...process.env,
  DATABASE_URL: url,
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
// Ready means a first page load is quick: each app's first page is loaded once (see dev-warm.ts) before saying so.
const warming = Date.now();
void Promise.all(['http://localhost:5173/', 'http://localhost:5174/login'].map(async (page) => (await waitForServer(page), warmPage(page))))
  .then(
    (modules) => console.log(`[dev] warmed up in ${Date.now() - warming} ms (${modules.join(' + ')} modules)`),
    (error: unknown) => console.warn(`[dev] warm-up incomplete (${String(error)}); the first page load may be slow`),
  )
  .finally(() => console.log('[dev] customer app: http://localhost:5173   portal: http://localhost:5174'));

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
