/**
 * `pnpm bench [--quick] [--rebuild] [--in-process] [--skip-1m] [--budget=<seconds>]`
 *
 * Measures the apps through HTTP on 127.0.0.1 against a fresh PostgreSQL database, each next to a
 * baseline measured in the same run on the same server: the raw SQL (or file I/O) the request
 * boils down to, through `postgres` with no HTTP and no tRPC. Prints a table and writes
 * bench/results.json. Timing targets are reported, never enforced: the exit code is 0 unless
 * something failed outright (an error, a double assignment, a request that did not do its job).
 *
 * See bench/README.md for what each row means and the figures from this machine.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { cpus, freemem, loadavg, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb, type DbHandle } from '@h2s/db';
import { createTestDatabase, startPostgresServer, type PostgresServer, type TestDatabase } from '@h2s/db/testing';
import { hashPassword } from '../packages/api/src/domain/auth';
import { boundingBox } from '../packages/api/src/domain/offers';
import { signTestEvent, testPayments } from '../packages/api/src/domain/payments';
import { localToday, TIME_WINDOW_LABELS, windowStartUtc } from '../packages/api/src/domain/schedule';
import { localFileStore } from '../packages/api/src/domain/storage';
import { auditIntegrity } from '../packages/api/src/integrity';
import { ensureBuild, freePort, peakRssMb, root, startBuiltApp, startInProcessApp, type AppName, type RunningApp } from './lib/apps';
import { cookieFrom, multipart, trpcMutation, trpcQuery, type HttpClient } from './lib/http';
import { makeJpeg } from './lib/jpeg';
import {
  CHICAGO,
  countOpenJobs,
  NEBRASKA,
  installHelpers,
  jobId,
  orderId,
  proEmail,
  proId,
  RANGE,
  seedCustomers,
  seedJobs,
  seedPros,
  sessionIdOf,
  type Sql,
} from './lib/seed';
import { mapLimit, prng, round, shuffle, summarize, timed, type Summary } from './lib/stats';

// ---------------------------------------------------------------------------------------------
// Configuration

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const option = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const quick = flag('quick');
const RACERS = 50;
const CLAIMS_PER_JOB = 3;
const PASSWORD = 'bench-password-not-a-secret';
const WEBHOOK_SECRET = 'whsec_bench_only_not_a_real_secret_0000';
const UPLOAD_BYTES = 2 * 1024 * 1024;
const UPLOAD_WARMUP = 3;

const config = quick
  ? { jobs: 2_000, pros: 50, scalePoints: [1_000, 2_000], bigPoint: null, offersSamples: 100, raceJobs: 200, scheduleSamples: 50, webhookSamples: 100, uploadSamples: 20, warmup: 10 }
  : { jobs: 100_000, pros: 500, scalePoints: [1_000, 10_000, 100_000], bigPoint: 1_000_000, offersSamples: 300, raceJobs: 2_000, scheduleSamples: 200, webhookSamples: 300, uploadSamples: 60, warmup: 30 };
/** The 1M-job point runs only if the whole run is expected to stay within this many seconds. */
const budgetSeconds = Number(option('budget') ?? 600);
/** Two pros beyond the N: in Kansas (offers from the uniform spread) and in Nebraska (a fixed set). */
const offersPro = config.pros;
const flatPro = config.pros + 1;
const FIXED_CLUSTER = 150;

const started = Date.now();
const elapsed = () => (Date.now() - started) / 1000;
const log = (line: string) => console.log(`[bench ${elapsed().toFixed(1).padStart(6)} s] ${line}`);

// ---------------------------------------------------------------------------------------------
// Results

interface Row {
  name: string;
  http: string;
  baseline: string;
  target: string;
  result: 'pass' | 'miss' | 'info';
  detail?: string;
}

const rows: Row[] = [];
const results: Record<string, unknown> = {};
const failures: string[] = [];
const ms = (value: number) => `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`;
const lat = (s: Summary) => `p50 ${ms(s.p50)} · p99 ${ms(s.p99)}`;
const fmt = (n: number) => n.toLocaleString('en-US');

// ---------------------------------------------------------------------------------------------
// Setup and teardown

let server: PostgresServer | null = null;
let database: TestDatabase | null = null;
let raw: DbHandle | null = null;
const apps: RunningApp[] = [];
const uploadDir = mkdtempSync(join(tmpdir(), 'h2s-bench-uploads-'));
const baselineDir = mkdtempSync(join(tmpdir(), 'h2s-bench-baseline-'));

async function cleanup(): Promise<void> {
  for (const app of apps.splice(0)) await app.stop().catch(() => {});
  await raw?.close().catch(() => {});
  await database?.drop().catch(() => {});
  server?.stop();
  rmSync(uploadDir, { recursive: true, force: true });
  rmSync(baselineDir, { recursive: true, force: true });
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    void cleanup().finally(() => process.exit(130));
  });
}

function machine() {
  const cpuModel = readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.*)$/m)?.[1] ?? cpus()[0]?.model ?? 'unknown';
  return {
    nproc: cpus().length,
    cpuModel,
    memTotalGb: round(totalmem() / 2 ** 30, 1),
    memFreeGb: round(freemem() / 2 ** 30, 1),
    node: process.version,
    // Other work on the machine skews every figure; the 1-minute load says how much there was.
    loadAverageAtStart: round(loadavg()[0] ?? 0, 2),
  };
}

// ---------------------------------------------------------------------------------------------
// Sessions

async function login(client: HttpClient, email: string): Promise<string> {
  const { result, response } = await trpcMutation(client, 'auth.login', { email, password: PASSWORD });
  if (result.status !== 200) throw new Error(`auth.login ${email}: ${result.status} ${result.error?.message}`);
  return cookieFrom(response, 'h2s_portal_session');
}

async function customerCookie(client: HttpClient, sessionId: string): Promise<string> {
  const { result, response } = await trpcMutation(client, 'auth.checkoutSession', { sessionId });
  if (result.status !== 200) throw new Error(`auth.checkoutSession: ${result.status} ${result.error?.message}`);
  return cookieFrom(response, 'h2s_customer_session');
}

// ---------------------------------------------------------------------------------------------
// (a) offers.list

interface ProRow {
  lat: number;
  lng: number;
  radius: number;
}

/**
 * The floor under offers.list: the same lat/lng box on the partial index, the haversine distance,
 * the radius cut and the score's rules, ordered best first, all in one SQL statement.
 */
async function rawOffers(sql: Sql, pro: ProRow): Promise<string[]> {
  const box = boundingBox(pro, pro.radius);
  // The same columns the app reads for an offer (the order's items and notes too), so both move the same bytes.
  const found = await sql<{ id: string }[]>`
    select j.id, j.status, j.due_at, j.created_at, j.lat, j.lng, j.timezone, j.city, j.state, j.postal_code,
           j.equipment, j.job_details, o.items, o.notes, o.schedule_time_window, o.schedule_date, d.tenths, s.score
      from dispatch_jobs j
      join orders o on o.id = j.order_id
      cross join lateral (
        select round(2 * 3958.8 * asin(least(1, sqrt(
                 power(sin(radians(j.lat - ${pro.lat}::float8) / 2), 2) +
                 cos(radians(${pro.lat}::float8)) * cos(radians(j.lat)) * power(sin(radians(j.lng - ${pro.lng}::float8) / 2), 2)))) * 10) as tenths
      ) d
      cross join lateral (
        select (case when j.status = 'scheduled' then 1000 else 500 end
                + case when d.tenths < 100 then 500 when d.tenths < 250 then 200 else 0 end
                - round(d.tenths * 5 / 10)
                + case when j.due_at is null then 0 when j.due_at <= now() then 300
                       when j.due_at < now() + interval '24 hours' then 300
                       when j.due_at < now() + interval '48 hours' then 100 else 0 end) as score
      ) s
     where j.status in ('queued', 'scheduled') and j.assigned_pro_id is null
       and point(j.lng, j.lat) <@ box(point(${box.minLng}, ${box.minLat}), point(${box.maxLng}, ${box.maxLat}))
       and d.tenths <= ${pro.radius * 10}
     order by s.score desc, j.due_at asc nulls last, j.created_at asc, j.id asc`;
  return found.map((r) => r.id);
}

interface OffersPoint {
  openJobs: number;
  offers: number;
  http: Summary;
  raw: Summary;
  sameJobs: boolean;
}

async function measureOffers(portal: RunningApp, cookie: string, sql: Sql, pro: ProRow, samples: number): Promise<OffersPoint> {
  type Offers = { offers: { jobId: string }[] };
  const get = async () => {
    const response = await trpcQuery<Offers>(portal.client, 'offers.list', undefined, cookie);
    if (response.status !== 200 || !response.data) throw new Error(`offers.list: ${response.status} ${response.error?.message}`);
    return response.data.offers;
  };
  for (let i = 0; i < config.warmup; i++) await get();
  const httpTimes: number[] = [];
  let last: { jobId: string }[] = [];
  for (let i = 0; i < samples; i++) {
    const { ms: t, value } = await timed(get);
    httpTimes.push(t);
    last = value;
  }
  for (let i = 0; i < config.warmup; i++) await rawOffers(sql, pro);
  const rawTimes: number[] = [];
  let rawIds: string[] = [];
  for (let i = 0; i < samples; i++) {
    const { ms: t, value } = await timed(() => rawOffers(sql, pro));
    rawTimes.push(t);
    rawIds = value;
  }
  const httpIds = new Set(last.map((o) => o.jobId));
  return {
    openJobs: await countOpenJobs(sql),
    offers: last.length,
    http: summarize(httpTimes),
    raw: summarize(rawTimes),
    sameJobs: httpIds.size === rawIds.length && rawIds.every((id) => httpIds.has(id)),
  };
}

// ---------------------------------------------------------------------------------------------
// (b) jobs.accept race

interface Claim {
  job: string;
  racer: number;
}

/**
 * Every job is claimed by 3 different racers. Claims are dealt in rounds of ~17 jobs so that each
 * of the 50 racers holds about one claim per round: they move through the rounds together, and the
 * three claims on a job are in flight at about the same moment, which is the race being measured.
 */
function dealClaims(jobs: string[], seed: number): Claim[][] {
  const random = prng(seed);
  const perRound = Math.ceil(RACERS / CLAIMS_PER_JOB);
  const lists: Claim[][] = Array.from({ length: RACERS }, () => []);
  for (let start = 0; start < jobs.length; start += perRound) {
    const round = jobs.slice(start, start + perRound);
    const order = shuffle(Array.from({ length: RACERS }, (_, i) => i), random);
    const dealt: Claim[][] = Array.from({ length: RACERS }, () => []);
    round.forEach((job, j) => {
      for (let k = 0; k < CLAIMS_PER_JOB; k++) {
        const racer = order[(j * CLAIMS_PER_JOB + k) % RACERS]!;
        dealt[racer]!.push({ job, racer });
      }
    });
    dealt.forEach((claims, racer) => lists[racer]!.push(...shuffle(claims, random)));
  }
  return lists;
}

async function raceHttp(portal: RunningApp, cookies: string[], jobs: string[]) {
  const lists = dealClaims(jobs, 7);
  const winners = new Map<string, Set<string>>();
  let conflicts = 0;
  const errors: string[] = [];
  const latencies: number[] = [];
  const { ms: total } = await timed(() =>
    Promise.all(
      lists.map(async (claims, racer) => {
        for (const claim of claims) {
          const { ms: t, value } = await timed(() => trpcMutation<{ proId: string }>(portal.client, 'jobs.accept', { jobId: claim.job }, cookies[racer]));
          latencies.push(t);
          const { result } = value;
          if (result.status === 200 && result.data) {
            const set = winners.get(claim.job) ?? new Set<string>();
            set.add(result.data.proId);
            winners.set(claim.job, set);
          } else if (result.status === 409 && result.error?.code === 'CONFLICT') conflicts++;
          else errors.push(`${result.status} ${result.error?.code} ${result.error?.message}`);
        }
      }),
    ),
  );
  const claims = lists.reduce((n, l) => n + l.length, 0);
  return { claims, seconds: total / 1000, winners, conflicts, errors, latency: summarize(latencies) };
}

async function raceRaw(sql: Sql, racerIds: string[], jobs: string[]) {
  const lists = dealClaims(jobs, 7);
  const winners = new Map<string, Set<string>>();
  let conflicts = 0;
  const { ms: total } = await timed(() =>
    Promise.all(
      lists.map(async (claims, racer) => {
        const pro = racerIds[racer]!;
        for (const claim of claims) {
          const won = await sql`
            update dispatch_jobs set assigned_pro_id = ${pro}, status = 'accepted', updated_at = now()
             where id = ${claim.job} and assigned_pro_id is null and status in ('queued', 'scheduled')
            returning id`;
          if (won.length) winners.set(claim.job, (winners.get(claim.job) ?? new Set<string>()).add(pro));
          else conflicts++;
        }
      }),
    ),
  );
  // Untimed: give the raw winners their assignment rows, so the database stays consistent.
  await sql`
    insert into job_assignments (id, job_id, pro_id, state)
    select 'ASG-RW' || substr(id, 5), id, assigned_pro_id, 'accepted' from dispatch_jobs where id = any(${jobs}) and assigned_pro_id is not null`;
  const claims = lists.reduce((n, l) => n + l.length, 0);
  return { claims, seconds: total / 1000, winners, conflicts };
}

/** What the database says about the raced jobs: live assignments per job and the job's own pro. */
async function doubleAssignments(sql: Sql, jobs: string[]) {
  const found = await sql<{ id: string; assigned: string | null; live: number; live_pro: string | null }[]>`
    select j.id, j.assigned_pro_id as assigned,
           count(a.id) filter (where a.state in ('accepted', 'completed'))::int as live,
           min(a.pro_id) filter (where a.state in ('accepted', 'completed')) as live_pro
      from dispatch_jobs j left join job_assignments a on a.job_id = j.id
     where j.id = any(${jobs})
     group by j.id`;
  return {
    doubles: found.filter((r) => r.live > 1).length,
    mismatched: found.filter((r) => r.live === 1 && r.assigned !== r.live_pro).length,
    unassigned: found.filter((r) => !r.assigned).length,
  };
}

// ---------------------------------------------------------------------------------------------
// Main

async function main(): Promise<void> {
  const info = machine();
  log(`${quick ? 'quick' : 'full'} run on ${info.nproc} × ${info.cpuModel}, ${info.memTotalGb} GB RAM, Node ${info.node}`);
  results.machine = info;
  results.mode = quick ? 'quick' : 'full';
  results.startedAt = new Date(started).toISOString();

  if (!process.env.DATABASE_URL) {
    server = await startPostgresServer();
    process.env.DATABASE_URL = server.url;
    log(`started PostgreSQL at ${server.url}`);
  } else log('using the PostgreSQL server in DATABASE_URL');
  database = await createTestDatabase({ max: 4 });
  raw = createDb(database.url, { max: 10 });
  const seedSql = database.sql;
  const [version] = await seedSql<{ v: string }[]>`select current_setting('server_version') as v`;
  results.postgres = version?.v;

  // ---- seed: people and the fixed clusters
  await installHelpers(seedSql);
  await seedCustomers(seedSql);
  await seedPros(seedSql, { count: config.pros + 2, racers: RACERS, offersPro, passwordHash: await hashPassword(PASSWORD) });
  const racerIds = Array.from({ length: RACERS }, (_, i) => proId(i));
  const near = { center: CHICAGO, spread: 0.1 };
  await seedJobs(seedSql, { from: RANGE.raceHttp, count: config.raceJobs, where: near, scheduledShare: 0 });
  await seedJobs(seedSql, { from: RANGE.raceRaw, count: config.raceJobs, where: near, scheduledShare: 0 });
  // Each sequential measurement starts with unrecorded warm-up requests on rows of their own.
  await seedJobs(seedSql, { from: RANGE.scheduleHttp, count: config.warmup + config.scheduleSamples, where: near, scheduledShare: 0, acceptedBy: racerIds });
  await seedJobs(seedSql, { from: RANGE.scheduleRaw, count: config.warmup + config.scheduleSamples, where: near, scheduledShare: 0 });
  await seedJobs(seedSql, { from: RANGE.webhookHttp, count: config.warmup + config.webhookSamples, where: 'us', scheduledShare: 0, payment: 'pending' });
  await seedJobs(seedSql, { from: RANGE.webhookRaw, count: config.warmup + config.webhookSamples, where: 'us', scheduledShare: 0, payment: 'pending' });
  await seedJobs(seedSql, { from: RANGE.upload, count: UPLOAD_WARMUP + config.uploadSamples, where: near, scheduledShare: 0 });
  await seedJobs(seedSql, { from: RANGE.fixedCluster, count: FIXED_CLUSTER, where: { center: NEBRASKA, spread: 0.5 }, scheduledShare: 0.5 });
  log(`seeded ${config.pros + 2} pros, ${1000} customers and the race/schedule/webhook/upload/fixed sets`);

  // ---- the apps
  const appEnvBase = { databaseUrl: database.url, uploadDir, webhookSecret: WEBHOOK_SECRET };
  const ports = { customer: await freePort(), portal: await freePort() };
  const customerOrigin = `http://127.0.0.1:${ports.customer}`;
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
  const portal = apps.find((a) => a.name === 'portal')!;
  const customer = apps.find((a) => a.name === 'customer')!;
  const rss: Record<string, Record<string, number | null>> = {};
  const sampleRss = (phase: string) => {
    rss[phase] = Object.fromEntries(apps.map((a) => [a.name, peakRssMb(a.pid)]));
  };
  sampleRss('idle');

  // ---- sessions
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

  // ---- (a) offers.list while the open jobs grow
  const scale: (OffersPoint & { seeded: number })[] = [];
  const flat: (OffersPoint & { seeded: number })[] = [];
  let seeded = 0;
  let seedRate = 0; // rows per second, to decide on the 1M point
  for (const target of config.scalePoints) {
    const { ms: seedMs } = await timed(async () => {
      for (let from = seeded; from < target; from += 100_000) {
        await seedJobs(seedSql, { from: RANGE.open + from, count: Math.min(100_000, target - from), where: 'us', scheduledShare: 0.5 });
      }
      // Vacuum now rather than have autovacuum wake up on the fresh rows in the middle of a measurement.
      await seedSql`vacuum analyze`;
    });
    seedRate = (target - seeded) / (seedMs / 1000);
    seeded = target;
    const point = { ...(await measureOffers(portal, offersCookie, raw.sql, proRow, config.offersSamples)), seeded: target };
    scale.push(point);
    log(`offers.list at ${fmt(target)} seeded jobs (${fmt(point.openJobs)} open): ${lat(point.http)} vs raw ${lat(point.raw)}, ${point.offers} offers, same jobs: ${point.sameJobs}`);
    const fixed = { ...(await measureOffers(portal, flatCookie, raw.sql, flatRow, config.offersSamples)), seeded: target };
    flat.push(fixed);
    log(`  fixed neighbourhood: ${lat(fixed.http)} vs raw ${lat(fixed.raw)}, ${fixed.offers} offers`);
    for (const p of [point, fixed]) if (!p.sameJobs) failures.push(`offers.list and the raw query disagree at ${target} jobs`);
  }
  sampleRss('offers');
  const atN = scale[scale.length - 1]!;
  const ratio = atN.http.p50 / atN.raw.p50;
  rows.push({
    name: `offers.list (50 mi, ${fmt(config.jobs)} jobs, ${atN.offers} offers)`,
    http: lat(atN.http),
    baseline: `${lat(atN.raw)} (prefilter + rank SQL)`,
    target: 'p50 ≤ 2× baseline, p99 ≤ 25 ms',
    result: ratio <= 2 && atN.http.p99 <= 25 ? 'pass' : 'miss',
    detail: `p50 is ${ratio.toFixed(1)}× baseline`,
  });

  // ---- (c) schedule.confirm, then the job as its pro sees it
  const today = Date.parse(`${localToday('America/Chicago', new Date())}T00:00:00Z`);
  const slot = (i: number) => ({
    date: new Date(today + (1 + (i % 60)) * 86_400_000).toISOString().slice(0, 10),
    timezone: 'America/Chicago',
    timeWindow: TIME_WINDOW_LABELS[i % TIME_WINDOW_LABELS.length]!,
  });
  type Mine = { upcoming: { jobId: string; dueAt: string | null }[] };
  const confirmTimes: number[] = [];
  const visibleTimes: number[] = [];
  for (let i = 0; i < config.warmup + config.scheduleSamples; i++) {
    const n = RANGE.scheduleHttp + i;
    const racer = n % RACERS;
    const t0 = performance.now();
    const { result } = await trpcMutation<{ dueAt: string; jobId: string }>(customer.client, 'schedule.confirm', { sessionId: sessionIdOf(n), ...slot(i) });
    const t1 = performance.now();
    if (result.status !== 200 || !result.data) throw new Error(`schedule.confirm: ${result.status} ${result.error?.message}`);
    let seen = false;
    for (let attempt = 0; attempt < 5 && !seen; attempt++) {
      const mine = await trpcQuery<Mine>(portal.client, 'jobs.mine', undefined, racerCookies[racer]);
      seen = Boolean(mine.data?.upcoming.some((j) => j.jobId === jobId(n) && j.dueAt === result.data!.dueAt));
    }
    if (!seen) failures.push(`scheduled job ${jobId(n)} not seen with its new dueAt in jobs.mine`);
    if (i < config.warmup) continue;
    confirmTimes.push(t1 - t0);
    visibleTimes.push(performance.now() - t0);
  }
  const rawScheduleTimes: number[] = [];
  for (let i = 0; i < config.warmup + config.scheduleSamples; i++) {
    const n = RANGE.scheduleRaw + i;
    const s = slot(i);
    const due = windowStartUtc(s.date, s.timezone, s.timeWindow).toISOString();
    const { ms: t } = await timed(() =>
      raw!.sql.begin(async (tx) => {
        await tx`update orders set schedule_date = ${s.date}, schedule_time_window = ${s.timeWindow}, schedule_timezone = ${s.timezone},
                   schedule_status = 'scheduled', scheduled_at = now(), updated_at = now() where id = ${orderId(n)}`;
        await tx`update dispatch_jobs set due_at = ${due}::timestamptz, status = 'scheduled', updated_at = now() where id = ${jobId(n)}`;
      }),
    );
    if (i >= config.warmup) rawScheduleTimes.push(t);
  }
  const confirm = summarize(confirmTimes);
  const visible = summarize(visibleTimes);
  const rawSchedule = summarize(rawScheduleTimes);
  rows.push({
    name: `schedule.confirm (${config.scheduleSamples} orders)`,
    http: lat(confirm),
    baseline: `${lat(rawSchedule)} (2 UPDATEs in a transaction)`,
    target: 'p99 ≤ 20 ms',
    result: confirm.p99 <= 20 ? 'pass' : 'miss',
  });
  rows.push({
    name: 'schedule.confirm → job seen in jobs.mine',
    http: lat(visible),
    baseline: '–',
    target: '(seen on the first read)',
    result: 'info',
  });
  log(`schedule.confirm ${lat(confirm)}; until seen in jobs.mine ${lat(visible)}; raw ${lat(rawSchedule)}`);

  // ---- (b) jobs.accept race
  const raceJobsHttp = Array.from({ length: config.raceJobs }, (_, i) => jobId(RANGE.raceHttp + i));
  const raceJobsRaw = Array.from({ length: config.raceJobs }, (_, i) => jobId(RANGE.raceRaw + i));
  const http = await raceHttp(portal, racerCookies, raceJobsHttp);
  sampleRss('accept');
  const rawRace = await raceRaw(raw.sql, racerIds, raceJobsRaw);
  const db = await doubleAssignments(seedSql, raceJobsHttp);
  const responseDoubles = [...http.winners.values()].filter((s) => s.size > 1).length;
  const httpRate = http.claims / http.seconds;
  const rawRate = rawRace.claims / rawRace.seconds;
  const share = httpRate / rawRate;
  const doubles = db.doubles + db.mismatched + responseDoubles;
  if (doubles) failures.push(`double assignments: ${JSON.stringify({ ...db, responseDoubles })}`);
  if (http.errors.length) failures.push(`jobs.accept errors: ${http.errors.slice(0, 3).join('; ')} (${http.errors.length})`);
  if (http.winners.size !== config.raceJobs || db.unassigned) failures.push(`race left ${config.raceJobs - http.winners.size} jobs without a winner`);
  rows.push({
    name: `jobs.accept race (${RACERS} pros, ${fmt(config.raceJobs)} jobs, ${fmt(http.claims)} claims)`,
    http: `${fmt(Math.round(httpRate))} claims/s, ${http.winners.size} won, ${http.conflicts} CONFLICT, ${doubles} double`,
    baseline: `${fmt(Math.round(rawRate))} claims/s (conditional UPDATE per claim)`,
    target: '≥ 40% of baseline, 0 double assignments',
    result: share >= 0.4 && doubles === 0 ? 'pass' : 'miss',
    detail: `${Math.round(share * 100)}% of baseline; per-claim latency under load ${lat(http.latency)}`,
  });
  log(`jobs.accept ${Math.round(httpRate)} claims/s vs raw ${Math.round(rawRate)} (${Math.round(share * 100)}%), doubles ${doubles}`);

  // ---- (d) webhook → order paid + job created
  const payments = testPayments(WEBHOOK_SECRET);
  const webhookTimes: number[] = [];
  for (let i = 0; i < config.warmup + config.webhookSamples; i++) {
    const n = RANGE.webhookHttp + i;
    const { payload, signature } = signTestEvent(payments, {
      type: 'checkout.session.completed',
      sessionId: sessionIdOf(n),
      orderId: orderId(n),
      amountTotalCents: 14900,
      paymentStatus: 'paid',
    });
    const { ms: t, value: response } = await timed(() =>
      customer.client.send('POST', '/api/stripe/webhook', { headers: { 'content-type': 'application/json', 'stripe-signature': signature }, body: payload }),
    );
    const body = JSON.parse(response.body.toString()) as { outcome?: string; jobId?: string };
    if (response.status !== 200 || body.outcome !== 'paid' || !body.jobId) throw new Error(`webhook: ${response.status} ${response.body.toString().slice(0, 200)}`);
    if (i >= config.warmup) webhookTimes.push(t);
  }
  const rawWebhookTimes: number[] = [];
  for (let i = 0; i < config.warmup + config.webhookSamples; i++) {
    const n = RANGE.webhookRaw + i;
    // A pending order has no job yet, so the job id that goes with its row number is free.
    const job = jobId(n);
    const { ms: t } = await timed(() =>
      raw!.sql.begin(async (tx) => {
        await tx`insert into stripe_events (id, type, order_id) values (${`evt_raw_${n}`}, 'checkout.session.completed', ${orderId(n)})`;
        await tx`update orders set payment_status = 'paid', paid_at = now(), updated_at = now() where id = ${orderId(n)} and payment_status = 'pending'`;
        await tx`insert into dispatch_jobs (id, order_id, status, job_details, lat, lng, timezone, city, state, postal_code, equipment)
                 select ${job}, id, 'queued', 'Mount a TV', lat, lng, timezone, city, state, postal_code, '[]'::jsonb from orders where id = ${orderId(n)}`;
        await tx`insert into job_events (job_id, actor_role, type) values (${job}, 'stripe', 'created')`;
      }),
    );
    if (i >= config.warmup) rawWebhookTimes.push(t);
  }
  const events = config.warmup + config.webhookSamples;
  const [paidJobs] = await seedSql<{ n: number }[]>`
    select count(*)::int as n from dispatch_jobs where order_id = any(${Array.from({ length: events }, (_, i) => orderId(RANGE.webhookHttp + i))})`;
  if (paidJobs?.n !== events) failures.push(`webhook created ${paidJobs?.n} jobs for ${events} events`);
  const webhook = summarize(webhookTimes);
  const rawWebhook = summarize(rawWebhookTimes);
  rows.push({
    name: `Stripe webhook → order paid + job (${config.webhookSamples} events)`,
    http: lat(webhook),
    baseline: `${lat(rawWebhook)} (4 writes in a transaction)`,
    target: 'p99 ≤ 20 ms',
    result: webhook.p99 <= 20 ? 'pass' : 'miss',
  });
  log(`webhook ${lat(webhook)} vs raw ${lat(rawWebhook)}`);

  // ---- (e) 2 MB photo upload
  const uploadOrders = Array.from({ length: UPLOAD_WARMUP + config.uploadSamples }, (_, i) => RANGE.upload + i);
  const uploadCookies = await mapLimit(uploadOrders, 4, (n) => customerCookie(customer.client, sessionIdOf(n)));
  const photos = uploadOrders.map(() => makeJpeg(UPLOAD_BYTES));
  const uploadTimes: number[] = [];
  for (const [i, n] of uploadOrders.entries()) {
    const bytes = photos[i]!;
    const form = multipart({ sessionId: sessionIdOf(n) }, { field: 'file', filename: `site-${i}.jpg`, contentType: 'image/jpeg', bytes });
    const { ms: t, value: response } = await timed(() =>
      customer.client.send('POST', '/api/trpc/uploads.create', {
        // SvelteKit refuses a cross-site form POST; a browser sends its own origin.
        headers: { 'content-type': form.contentType, cookie: uploadCookies[i]!, origin: customer.origin },
        body: form.body,
      }),
    );
    const parsed = JSON.parse(response.body.toString()) as { result?: { data?: { upload: { fileSize: number; sha256: string } } } };
    const upload = parsed.result?.data?.upload;
    const sha = createHash('sha256').update(bytes).digest('hex');
    if (response.status !== 200 || upload?.fileSize !== bytes.length || upload.sha256 !== sha) {
      throw new Error(`uploads.create: ${response.status} ${response.body.toString().slice(0, 300)}`);
    }
    if (i >= UPLOAD_WARMUP) uploadTimes.push(t);
  }
  sampleRss('upload');
  const baselineTimes: number[] = [];
  for (const [i, bytes] of photos.entries()) {
    const { ms: t } = await timed(async () => {
      const sha = createHash('sha256').update(bytes).digest('hex');
      await writeFile(join(baselineDir, `${sha}.jpg`), bytes);
    });
    if (i >= UPLOAD_WARMUP) baselineTimes.push(t);
  }
  const upload = summarize(uploadTimes);
  const rawUpload = summarize(baselineTimes);
  rows.push({
    name: `uploads.create, 2 MB JPEG multipart (${config.uploadSamples} photos)`,
    http: lat(upload),
    baseline: `${lat(rawUpload)} (sha256 + fs.writeFile)`,
    target: 'p50 ≤ 3× baseline',
    result: upload.p50 <= 3 * rawUpload.p50 ? 'pass' : 'miss',
    detail: `p50 is ${(upload.p50 / rawUpload.p50).toFixed(1)}× baseline`,
  });
  log(`upload ${lat(upload)} vs sha256+writeFile ${lat(rawUpload)}`);

  // ---- the audit over everything written above
  const audited = await timed(() => auditIntegrity({ db: database!.db, storage: localFileStore(uploadDir) }));
  const auditRows = audited.value.invariants.reduce((sum, inv) => sum + inv.checked, 0);
  rows.push({
    name: 'pnpm integrity audit of this database',
    http: `${fmt(Math.round(audited.ms))} ms, ${fmt(auditRows)} rows checked`,
    baseline: '–',
    target: '0 breaches',
    result: audited.value.ok ? 'pass' : 'miss',
    detail: audited.value.ok ? undefined : audited.value.invariants.filter((i) => i.breaches.length).map((i) => `${i.number}: ${i.breaches.length} (${i.breaches[0]?.reason})`).join('; '),
  });
  if (!audited.value.ok) failures.push('the integrity audit found breaches in the bench database');
  log(`integrity audit: ${audited.value.ok ? 'clean' : `${audited.value.breachCount} breaches`} in ${Math.round(audited.ms)} ms`);

  // ---- offers.list at 1M open jobs, when the time allows
  let bigNote = quick ? 'not in --quick' : 'skipped (--skip-1m)';
  if (config.bigPoint && !flag('skip-1m')) {
    const estimate = (config.bigPoint - seeded) / Math.max(seedRate, 1) + 60;
    if (elapsed() + estimate > budgetSeconds) {
      bigNote = `skipped: ~${Math.round(estimate)} s more would pass the ${budgetSeconds} s budget (--budget=)`;
    } else {
      log(`seeding up to ${fmt(config.bigPoint)} jobs (~${Math.round(estimate)} s)…`);
      for (let from = seeded; from < config.bigPoint; from += 100_000) {
        await seedJobs(seedSql, { from: RANGE.open + from, count: Math.min(100_000, config.bigPoint - from), where: 'us', scheduledShare: 0.5 });
      }
      await seedSql`vacuum analyze`;
      seeded = config.bigPoint;
      const samples = Math.min(config.offersSamples, 200);
      const point = { ...(await measureOffers(portal, offersCookie, raw.sql, proRow, samples)), seeded: config.bigPoint };
      scale.push(point);
      const fixed = { ...(await measureOffers(portal, flatCookie, raw.sql, flatRow, samples)), seeded: config.bigPoint };
      flat.push(fixed);
      bigNote = 'measured';
      log(`offers.list at ${fmt(config.bigPoint)} jobs: ${lat(point.http)} vs raw ${lat(point.raw)}, ${point.offers} offers; fixed neighbourhood ${lat(fixed.http)}`);
    }
  }
  sampleRss('end');
  const first = flat[0]!;
  for (const point of flat) {
    rows.push({
      name: `offers.list at ${fmt(point.seeded)} jobs (${fmt(point.openJobs)} open), fixed neighbourhood: ${point.offers} offers`,
      http: lat(point.http),
      baseline: lat(point.raw),
      target: 'stays flat',
      result: 'info',
      detail: point === first ? undefined : `p50 ×${(point.http.p50 / first.http.p50).toFixed(2)} of the smallest table`,
    });
  }
  for (const point of scale) {
    rows.push({
      name: `offers.list at ${fmt(point.seeded)} jobs (${fmt(point.openJobs)} open), uniform spread: ${point.offers} offers`,
      http: lat(point.http),
      baseline: lat(point.raw),
      target: 'grows with the offers, not the table',
      result: 'info',
    });
  }
  if (config.bigPoint && bigNote !== 'measured') {
    rows.push({ name: `offers.list at ${fmt(config.bigPoint)} jobs`, http: bigNote, baseline: '–', target: 'stays flat', result: 'info' });
  }
  for (const app of apps) {
    const phases = Object.entries(rss)
      .map(([phase, values]) => `${phase} ${values[app.name] ?? '?'}`)
      .join(', ');
    rows.push({
      name: `peak RSS (VmHWM) of the ${app.name} ${app.mode === 'built' ? 'process' : 'bench process (in-process server)'}`,
      http: `${rss.end?.[app.name] ?? '?'} MB`,
      baseline: '–',
      target: '(by phase, MB: ' + phases + ')',
      result: 'info',
    });
  }

  results.config = { ...config, racers: RACERS, claimsPerJob: CLAIMS_PER_JOB, uploadBytes: UPLOAD_BYTES };
  results.offers = { uniform: scale, fixedNeighbourhood: flat };
  results.bigPoint = bigNote;
  results.schedule = { confirm, visible, raw: rawSchedule };
  results.accept = {
    claims: http.claims,
    seconds: round(http.seconds, 3),
    claimsPerSecond: round(httpRate, 1),
    rawClaimsPerSecond: round(rawRate, 1),
    share: round(share, 3),
    winners: http.winners.size,
    conflicts: http.conflicts,
    errors: http.errors.length,
    latency: http.latency,
    doubleAssignments: doubles,
    database: db,
  };
  results.webhook = { http: webhook, raw: rawWebhook };
  results.upload = { http: upload, raw: rawUpload, bytes: UPLOAD_BYTES };
  results.audit = { ms: Math.round(audited.ms), rowsChecked: auditRows, breaches: audited.value.breachCount };
  results.rssMb = rss;
  results.rows = rows;
  results.failures = failures;
  results.durationSeconds = round(elapsed(), 1);
  results.loadAverageAtEnd = round(loadavg()[0] ?? 0, 2);
}

function table(): string {
  const header = ['benchmark', 'app over HTTP', 'baseline, same run', 'target', 'result'];
  const body = rows.map((r) => [r.name, r.http, r.baseline, r.target, `${r.result === 'info' ? 'info' : r.result === 'pass' ? '✅ pass' : '❌ miss'}${r.detail ? ` (${r.detail})` : ''}`]);
  const lines = [header, header.map(() => '---'), ...body].map((cells) => `| ${cells.join(' | ')} |`);
  return lines.join('\n');
}

let exitCode = 0;
try {
  await main();
} catch (error) {
  console.error(`[bench] failed: ${(error as Error).stack ?? error}`);
  failures.push((error as Error).message);
  exitCode = 1;
} finally {
  await cleanup();
}
if (rows.length) {
  const info = results.machine as ReturnType<typeof machine> | undefined;
  console.log('');
  console.log(`${quick ? 'Quick' : 'Full'} run, ${new Date(started).toISOString()}, ${info?.nproc} × ${info?.cpuModel}, ${info?.memTotalGb} GB, PostgreSQL ${results.postgres ?? '?'}, ${Math.round(elapsed())} s`);
  console.log(`1-minute load average: ${info?.loadAverageAtStart} at the start, ${round(loadavg()[0] ?? 0, 2)} at the end (${info?.nproc} cores)`);
  console.log(`Apps: ${Object.entries((results.apps as Record<string, string>) ?? {}).map(([k, v]) => `${k}: ${v}`).join('; ')}`);
  console.log('');
  console.log(table());
}
if (failures.length) {
  console.log(`\nFailures:\n  ${failures.join('\n  ')}`);
  exitCode = 1;
}
writeFileSync(join(root, 'bench', 'results.json'), `${JSON.stringify({ ...results, failures }, null, 2)}\n`);
console.log(`\nWrote bench/results.json (${exitCode === 0 ? 'no failures' : 'with failures'}; timing misses never fail the run).`);
process.exit(exitCode);
