/**
 * `pnpm --filter @h2s/api worker`: runs the background jobs (email now; offer timers and refunds
 * as their modules join createTaskList) until SIGINT/SIGTERM. Needs DATABASE_URL; sends mail over
 * SMTP_URL, or to the dev outbox when SMTP_URL is unset outside production.
 */
import { createDb, databaseUrl } from '@h2s/db';
import { mailerFromEnv } from '../domain/email';
import { DEV_URL_SIGNING_SECRET } from '../config';
import { createTaskList } from '../tasks';
import { startWorker } from '../worker';

const env = process.env;
const production = env.NODE_ENV === 'production';
const urlSigningSecret = env.URL_SIGNING_SECRET ?? (production ? undefined : DEV_URL_SIGNING_SECRET);
if (!urlSigningSecret) throw new Error('URL_SIGNING_SECRET must be set in production (the same value as the apps).');
const customerOrigin = (env.CUSTOMER_ORIGIN ?? 'http://localhost:5173').replace(/\/$/, '');

const url = databaseUrl();
const handle = createDb(url, { max: 2 });
const mailer = mailerFromEnv(env);
const runner = await startWorker({
  connectionString: url,
  concurrency: Number(env.WORKER_CONCURRENCY ?? 2),
  // The same cap as the apps' pools (small on the embedded dev database).
  maxPoolSize: Number(env.DATABASE_POOL_MAX ?? 10),
  taskList: createTaskList({ db: handle.db, mailer, customerOrigin, urlSigningSecret }),
});
console.info(`[worker] running (mail: ${env.SMTP_URL ? 'SMTP' : 'dev outbox'})`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await runner.stop();
  mailer.close();
  await handle.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
await runner.promise;
