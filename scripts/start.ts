/**
 * `pnpm start`: run it for real. Checks both apps' settings, applies the migrations, then runs the
 * built apps (`pnpm build` first) and the background worker (email, reminders, offer timers,
 * refunds) with production defaults:
 *   customer app on CUSTOMER_PORT (3000) at CUSTOMER_ORIGIN (http://localhost:3000),
 *   portal on PORTAL_PORT (3001) at PORTAL_ORIGIN (http://localhost:3001).
 * A process that exits is restarted with backoff (scripts/supervisor.ts); a signal stops them all.
 */
import { existsSync } from 'node:fs';
import { createDb, runMigrations } from '@h2s/db';
import { ConfigError, loadConfig } from '@h2s/api/config';
import { supervise } from './supervisor';

const root = new URL('..', import.meta.url).pathname;
// .env (never committed) overrides nothing already set in the shell.
if (existsSync(`${root}.env`)) process.loadEnvFile(`${root}.env`);

const customerPort = process.env.CUSTOMER_PORT || '3000';
const portalPort = process.env.PORTAL_PORT || '3001';
const env: NodeJS.ProcessEnv = {
  ...process.env,
  NODE_ENV: process.env.NODE_ENV || 'production',
  CUSTOMER_ORIGIN: process.env.CUSTOMER_ORIGIN || `http://localhost:${customerPort}`,
  PORTAL_ORIGIN: process.env.PORTAL_ORIGIN || `http://localhost:${portalPort}`,
  UPLOAD_DIR: process.env.UPLOAD_DIR || `${root}.data/uploads`,
};
const apps = [
  { name: 'customer', port: customerPort, origin: env.CUSTOMER_ORIGIN! },
  { name: 'portal', port: portalPort, origin: env.PORTAL_ORIGIN! },
] as const;

// Every problem of both apps at once, before anything touches the database.
let portalConfig: ReturnType<typeof loadConfig>;
try {
  const [, portal] = apps.map((app) => loadConfig(app.name, { ...env, ORIGIN: app.origin }));
  portalConfig = portal!;
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
// The worker mails customers; in production there is no dev outbox to fall back to.
if (env.NODE_ENV === 'production' && !env.SMTP_URL) {
  console.error(
    'The worker refuses to start in production: SMTP_URL is missing. Where customer email is sent (smtp://user:password@host:587). See "Run it for real" in README.md.',
  );
  process.exit(1);
}
// Texts are optional (CONTRACT: Twilio when configured): production without TWILIO_ settings runs with texts
// off, and says so here and in the worker's log, rather than refusing to start. SMS_MODE=off turns them off
// on purpose even with Twilio configured.
if (portalConfig.production && !portalConfig.twilio && !portalConfig.smsOff) {
  console.warn(
    '[start] texts are off: TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM are not set, so no text message is sent (each is recorded, never sent). Set them to send texts through Twilio, or SMS_MODE=off to say texts are off on purpose. See "Run it for real" in README.md.',
  );
}
for (const app of apps) {
  if (!existsSync(`${root}apps/${app.name}/build/index.js`)) {
    console.error(`[start] apps/${app.name}/build is missing: run \`pnpm build\` first.`);
    process.exit(1);
  }
}

const handle = createDb(env.DATABASE_URL!, { max: 1 });
try {
  await runMigrations(handle);
} finally {
  await handle.close();
}
console.log('[start] migrations applied');

const supervisor = supervise([
  ...apps.map((app) => ({
    name: `${app.name} app`,
    command: process.execPath,
    args: [`${root}apps/${app.name}/build`],
    options: { cwd: root, env: { ...env, PORT: app.port, ORIGIN: app.origin }, stdio: 'inherit' as const },
  })),
  // The background worker: email, reminders, offer widening/escalation, refunds (graphile-worker).
  {
    name: 'worker',
    command: process.execPath,
    args: ['--import', 'tsx', `${root}packages/api/src/cli/worker.ts`],
    options: { cwd: `${root}packages/api`, env, stdio: 'inherit' as const },
  },
]);
console.log(
  `[start] customer app: ${apps[0].origin} (port ${customerPort})   portal: ${apps[1].origin} (port ${portalPort})   worker: running`,
);

// Only a signal to `pnpm start` stops everything: each process drains, then this exits 0.
let shuttingDown = false;
const shutdown = (signal: string) => {
  if (shuttingDown) return;
  shuttingDown = true;
  console.log(`[start] ${signal}: stopping the apps and the worker (in-flight requests and jobs finish first)`);
  void supervisor.stop().then(() => process.exit(0));
};
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
