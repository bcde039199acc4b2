/**
 * `pnpm --filter @h2s/api worker`: runs the background jobs (email, offer timers, refunds) until
 * SIGINT/SIGTERM. It reads the same settings as the customer app (and refuses to start in production
 * on the same missing or unsafe ones); mail goes over SMTP_URL, or to the dev outbox when SMTP_URL is
 * unset outside production.
 */
import { hostname } from 'node:os';
import { createDb, databaseUrl, recordHeartbeat } from '@h2s/db';
import { ConfigError, loadConfig } from '../config';
import { clockFromEnv } from '../domain/clock';
import { mailerFromEnv } from '../domain/email';
import { smsSetup } from '../domain/sms/sender';
import { paymentsFor } from '../server';
import { createTaskList, CRONTAB } from '../tasks';
import { startWorker } from '../worker';
import { installProcessGuard } from '../http/process-guard';
import { WORKER_HEARTBEAT_MS } from '../http/health';
import { logInternalError } from '../internal-errors';

installProcessGuard('worker');

const env = process.env;
let config;
try {
  config = loadConfig('customer', env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message.replace('The customer app', 'The worker'));
  process.exit(1);
}

const url = config.databaseUrl ?? databaseUrl();
const handle = createDb(url, { max: 2 });
const mailer = mailerFromEnv(env);
const texts = smsSetup(config.twilio, { production: config.production, off: config.smsOff });
const runner = await startWorker({
  connectionString: url,
  concurrency: Number(env.WORKER_CONCURRENCY ?? 2),
  // The same cap as the apps' pools.
  maxPoolSize: Number(env.DATABASE_POOL_MAX ?? 10),
  crontab: CRONTAB,
  taskList: createTaskList({
    db: handle.db,
    mailer,
    clock: clockFromEnv(config.now ?? undefined),
    payments: paymentsFor(config),
    customerOrigin: config.customerOrigin,
    urlSigningSecret: config.urlSigningSecret,
    smsSender: texts.sender,
    smsOffReason: texts.offReason,
    portalOrigin: env.PORTAL_ORIGIN ?? null,
  }),
});
// The apps' /readyz reads this heartbeat (http/health.ts).
const workerName = `${hostname()}:${process.pid}`;
const beat = () => recordHeartbeat(handle.db, workerName).catch((error: unknown) => void logInternalError(error, '[worker] heartbeat'));
await beat();
const heartbeat = setInterval(() => void beat(), WORKER_HEARTBEAT_MS);
console.info(`[worker] running (mail: ${env.SMTP_URL ? 'SMTP' : 'dev outbox'}, payments: ${config.paymentsMode})`);
console.info(`[worker] texts: ${texts.description}`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  clearInterval(heartbeat);
  await runner.stop();
  mailer.close();
  await handle.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
await runner.promise;
