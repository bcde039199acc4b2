/** A fresh database with the bench's people and fixed job sets, both apps running, and the pros signed in. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb, type DbHandle } from '@h2s/db';
import { createTestDatabase, startPostgresServer, type PostgresServer, type TestDatabase } from '@h2s/db/testing';
import { hashPassword } from '@h2s/api/toolkit';
import { ensureBuild, freePort, peakRssMb, startBuiltApp, startInProcessApp, type AppEnv, type AppName, type RunningApp } from './apps';
import {
  config,
  FIXED_CLUSTER,
  flag,
  flatPro,
  log,
  offersPro,
  PASSWORD,
  RACERS,
  results,
  rows,
  UPLOAD_WARMUP,
  WEBHOOK_SECRET,
  type Arena,
  type ProRow,
} from './context';
import { cookieFrom, trpcMutation, type HttpClient } from './http';
import { CHICAGO, installHelpers, NEBRASKA, proEmail, proId, RANGE, seedCustomers, seedJobs, seedPros } from './seed';
import { mapLimit } from './stats';

let server: PostgresServer | null = null;
let database: TestDatabase | null = null;
let raw: DbHandle | null = null;
const apps: RunningApp[] = [];
/** Further app processes a scenario starts (the WEB_CONCURRENCY=2 portal); stopped with the rest. */
const extras: RunningApp[] = [];
let appEnv: AppEnv | null = null;
const uploadDir = mkdtempSync(join(tmpdir(), 'h2s-bench-uploads-'));
const baselineDir = mkdtempSync(join(tmpdir(), 'h2s-bench-baseline-'));

export async function cleanup(): Promise<void> {
  for (const app of [...extras.splice(0), ...apps.splice(0)]) await app.stop().catch(() => {});
  await raw?.close().catch(() => {});
  await database?.drop().catch(() => {});
  server?.stop();
  rmSync(uploadDir, { recursive: true, force: true });
  rmSync(baselineDir, { recursive: true, force: true });
}

async function login(client: HttpClient, email: string): Promise<string> {
  const { result, response } = await trpcMutation(client, 'auth.login', { email, password: PASSWORD });
  if (result.status !== 200) throw new Error(`auth.login ${email}: ${result.status} ${result.error?.message}`);
  return cookieFrom(response, 'h2s_portal_session');
}

export async function customerCookie(client: HttpClient, sessionId: string): Promise<string> {
  const { result, response } = await trpcMutation(client, 'auth.checkoutSession', { sessionId });
  if (result.status !== 200) throw new Error(`auth.checkoutSession: ${result.status} ${result.error?.message}`);
  return cookieFrom(response, 'h2s_customer_session');
}

async function seed(seedSql: DbHandle['sql'], racerIds: string[]): Promise<void> {
  await installHelpers(seedSql);
  await seedCustomers(seedSql);
  await seedPros(seedSql, { count: config.pros + 2, racers: RACERS, offersPro, passwordHash: await hashPassword(PASSWORD) });
  const near = { center: CHICAGO, spread: 0.1 };
  await seedJobs(seedSql, { from: RANGE.raceHttp, count: config.raceJobs, where: near, scheduledShare: 0 });
  await seedJobs(seedSql, { from: RANGE.raceRaw, count: config.raceJobs, where: near, scheduledShare: 0 });
  await seedJobs(seedSql, { from: RANGE.raceDomain, count: config.raceJobs, where: near, scheduledShare: 0 });
  // Each sequential measurement starts with unrecorded warm-up requests on rows of their own.
  await seedJobs(seedSql, {
    from: RANGE.scheduleHttp,
    count: config.warmup + config.scheduleSamples,
    where: near,
    scheduledShare: 0,
    acceptedBy: racerIds,
  });
  await seedJobs(seedSql, { from: RANGE.scheduleRaw, count: config.warmup + config.scheduleSamples, where: near, scheduledShare: 0 });
  await seedJobs(seedSql, {
    from: RANGE.webhookHttp,
    count: config.warmup + config.webhookSamples,
    where: 'us',
    scheduledShare: 0,
    payment: 'pending',
  });
  await seedJobs(seedSql, {
    from: RANGE.webhookRaw,
    count: config.warmup + config.webhookSamples,
    where: 'us',
    scheduledShare: 0,
    payment: 'pending',
  });
  await seedJobs(seedSql, { from: RANGE.upload, count: UPLOAD_WARMUP + config.uploadSamples, where: near, scheduledShare: 0 });
  await seedJobs(seedSql, {
    from: RANGE.fixedCluster,
    count: FIXED_CLUSTER,
    where: { center: NEBRASKA, spread: 0.5 },
    scheduledShare: 0.5,
  });
  // The customer app expires test checkouts left unpaid (issue 15) as it starts; the webhook rows' orders
  // were just opened, so the sweep leaves them for the webhook scenario.
  await seedSql`update orders set created_at = now(), updated_at = now() where payment_status = 'pending'`;
  log(`seeded ${config.pros + 2} pros, ${1000} customers and the race/schedule/webhook/upload/fixed sets`);
}

/** Both apps, built when possible (`--rebuild`, `--in-process` choose otherwise). */
async function startApps(databaseUrl: string): Promise<void> {
  const appEnvBase = { databaseUrl, uploadDir, webhookSecret: WEBHOOK_SECRET };
  const ports = { customer: await freePort(), portal: await freePort() };
  const customerOrigin = `http://127.0.0.1:${ports.customer}`;
  appEnv = { ...appEnvBase, customerOrigin };
  const modes: Record<AppName, string> = { customer: '', portal: '' };
  for (const name of ['portal', 'customer'] as const) {
    let app: RunningApp | null = null;
    if (!flag('in-process')) {
      const build = ensureBuild(name, flag('rebuild'), log);
      if (build.ok) {
        try {
          app = await startBuiltApp(name, ports[name], { ...appEnvBase, customerOrigin });
          modes[name] = `built app (node apps/${name}/build, ${build.note})`;
        } catch (error) {
          log(`built ${name} did not start: ${(error as Error).message.split('\n')[0]}`);
          modes[name] = `in-process fallback: the build did not start`;
        }
      } else modes[name] = `in-process fallback: ${build.note}`;
    } else modes[name] = 'in-process (--in-process)';
    app ??= await startInProcessApp(name, ports[name], { ...appEnvBase, customerOrigin });
    apps.push(app);
    log(`${name}: ${modes[name]} on ${app.origin}`);
  }
  results.apps = modes;
  rows.push({
    name: 'apps under test',
    http: `portal: ${modes.portal}; customer: ${modes.customer}`,
    baseline: 'raw SQL through `postgres`, same server',
    target: '–',
    result: 'info',
  });
}

export async function setUp(): Promise<Arena> {
  if (!process.env.DATABASE_URL) {
    server = await startPostgresServer();
    process.env.DATABASE_URL = server.url;
    log(`started PostgreSQL at ${server.url}`);
  } else log('using the PostgreSQL server in DATABASE_URL');
  // Seeding 100k rows, VACUUM and the audit may each run longer than an app's statement timeout.
  database = await createTestDatabase({ max: 4, statementTimeoutMs: 0 });
  raw = createDb(database.url, { max: 10 });
  const seedSql = database.sql;
  const [version] = await seedSql<{ v: string }[]>`select current_setting('server_version') as v`;
  results.postgres = version?.v;

  const racerIds = Array.from({ length: RACERS }, (_, i) => proId(i));
  await seed(seedSql, racerIds);
  await startApps(database.url);
  const portal = apps.find((a) => a.name === 'portal')!;
  const customer = apps.find((a) => a.name === 'customer')!;
  const rss: Arena['rss'] = {};
  const sampleRss = (phase: string) => {
    rss[phase] = Object.fromEntries(apps.map((a) => [a.name, peakRssMb(a.pid)]));
  };
  sampleRss('idle');

  const offersCookie = await login(portal.client, proEmail(offersPro));
  const flatCookie = await login(portal.client, proEmail(flatPro));
  const racerCookies = await mapLimit(racerIds, 4, (_, i) => login(portal.client, proEmail(i)));
  const proRowOf = async (n: number) => {
    const [row] = await seedSql<ProRow[]>`select lat, lng, service_radius_miles as radius from pros where user_id = ${proId(n)}`;
    if (!row) throw new Error(`pro ${n} missing`);
    return row;
  };
  const proRow = await proRowOf(offersPro);
  const flatRow = await proRowOf(flatPro);
  log(`signed in ${racerCookies.length + 2} pros`);

  return {
    database,
    raw,
    seedSql,
    apps,
    portal,
    customer,
    racerIds,
    racerCookies,
    offersCookie,
    flatCookie,
    proRow,
    flatRow,
    uploadDir,
    baselineDir,
    sampleRss,
    rss,
    async startExtra(name, extraEnv) {
      if (!appEnv || apps.some((a) => a.mode !== 'built')) return null;
      const app = await startBuiltApp(name, await freePort(), appEnv, extraEnv);
      extras.push(app);
      return app;
    },
  };
}
