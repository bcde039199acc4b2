/**
 * Throughput rows: "stack floor" (a trivial procedure over HTTP against a bare node:http server in
 * the same run) and "scale-out" (the same procedure on a portal with WEB_CONCURRENCY=2 against the
 * single-process portal, and a job change still reaching the streams of every worker).
 */
import { readFileSync } from 'node:fs';
import { config, failures, fmt, LOAD_CONNECTIONS, log, rows, type Arena } from '../lib/context';
import { freePort } from '../lib/apps';
import { startBareServer, throughput, type Throughput } from '../lib/load';
import { round } from '../lib/stats';
import { fanOut, type FanOut } from './live';

/** CPU ticks (user + system) of a process and of each of its children (the cluster's workers). */
function cpuTicks(pid: number): { primary: number; workers: number[] } {
  const ticks = (p: number) => {
    try {
      const fields = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return Number(fields[11]) + Number(fields[12]);
    } catch {
      return 0;
    }
  };
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    // Not Linux, or gone.
  }
  return { primary: ticks(pid), workers: children.map(ticks) };
}

/** catalog.list: public, no session, one small query (the issue's "trivial procedure"). */
const TRIVIAL = '/api/trpc/catalog.list';

/** Two equally long runs as one. */
const combine = (a: Throughput, b: Throughput): Throughput => ({
  requests: a.requests + b.requests,
  perSecond: Math.round((a.perSecond + b.perSecond) / 2),
  errors: a.errors + b.errors,
});

/** auth.me: a signed-in pro's session read (cookie, session lookup, a small answer). */
const SIGNED_IN = '/api/trpc/auth.me';

export async function stackFloor(
  arena: Arena,
): Promise<{ app: Throughput; bare: Throughput; ratio: number; me: Throughput; meBare: Throughput; meRatio: number }> {
  const bareServer = await startBareServer(await freePort());
  try {
    // Half the time each, interleaved (bare, app, app, bare), so a burst of other load on this shared
    // machine weighs on both sides alike; the figures are the two halves' totals.
    const options = { connections: LOAD_CONNECTIONS, seconds: config.loadSeconds / 2 };
    const interleaved = async (path: string, headers?: Record<string, string>) => {
      const bare1 = await throughput(bareServer.origin, '/', options);
      const app1 = await throughput(arena.portal.origin, path, { ...options, headers });
      const app2 = await throughput(arena.portal.origin, path, { ...options, headers });
      const bare2 = await throughput(bareServer.origin, '/', options);
      log(`stack floor runs (${path}): bare ${bare1.perSecond}, ${bare2.perSecond}; app ${app1.perSecond}, ${app2.perSecond} req/s`);
      const bare = combine(bare1, bare2);
      const app = combine(app1, app2);
      return { app, bare, ratio: round((100 * app.perSecond) / bare.perSecond, 1) };
    };
    const { app, bare, ratio } = await interleaved(TRIVIAL);
    rows.push({
      name: `stack floor: portal GET catalog.list, ${LOAD_CONNECTIONS} keep-alive connections for ${config.loadSeconds} s`,
      http: `${fmt(app.perSecond)} req/s (${ratio}% of the floor)${app.errors ? `, ${app.errors} errors` : ''}`,
      baseline: `${fmt(bare.perSecond)} req/s: bare node:http, fixed JSON body, own process`,
      target: '≥ 30% of the floor',
      result: ratio >= 30 ? 'pass' : 'miss',
    });
    log(`stack floor: catalog.list ${app.perSecond} req/s vs bare ${bare.perSecond} req/s (${ratio}%)`);
    if (app.errors) failures.push(`stack floor: ${app.errors} failed requests`);
    const signedIn = await interleaved(SIGNED_IN, { cookie: arena.offersCookie });
    rows.push({
      name: `stack floor: portal GET auth.me signed in as a pro, ${LOAD_CONNECTIONS} keep-alive connections for ${config.loadSeconds} s`,
      http: `${fmt(signedIn.app.perSecond)} req/s (${signedIn.ratio}% of the floor)${signedIn.app.errors ? `, ${signedIn.app.errors} errors` : ''}`,
      baseline: `${fmt(signedIn.bare.perSecond)} req/s: bare node:http, fixed JSON body, own process`,
      target: '≥ 20% of the floor',
      result: signedIn.ratio >= 20 ? 'pass' : 'miss',
    });
    log(`stack floor: auth.me ${signedIn.app.perSecond} req/s vs bare ${signedIn.bare.perSecond} req/s (${signedIn.ratio}%)`);
    if (signedIn.app.errors) failures.push(`stack floor (auth.me): ${signedIn.app.errors} failed requests`);
    return { app, bare, ratio, me: signedIn.app, meBare: signedIn.bare, meRatio: signedIn.ratio };
  } finally {
    await bareServer.stop();
  }
}

export async function scaleOut(
  arena: Arena,
): Promise<{ one: Throughput; two: Throughput; live: FanOut; offers: { one: Throughput; two: Throughput } } | null> {
  const cluster = await arena.startExtra('portal', { WEB_CONCURRENCY: '2' });
  if (!cluster) {
    rows.push({
      name: 'scale-out: WEB_CONCURRENCY=2',
      http: 'not measured: the apps run in-process',
      baseline: '–',
      target: '–',
      result: 'info',
    });
    return null;
  }
  try {
    // The port answers once the first worker listens; measure once every worker does.
    const deadline = Date.now() + 60_000;
    while (!cluster.logs?.().includes('workers listening') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const options = { connections: LOAD_CONNECTIONS, seconds: config.loadSeconds };
    // The new workers start cold (no JIT yet) while the first portal has served the whole run: warm them.
    await throughput(cluster.origin, TRIVIAL, { connections: LOAD_CONNECTIONS, seconds: 2 });
    // Alternated (1, 2, 1, 2) so a drift in the machine's other load does not favour either.
    const one1 = await throughput(arena.portal.origin, TRIVIAL, options);
    const cpuBefore = cpuTicks(cluster.pid);
    const two1 = await throughput(cluster.origin, TRIVIAL, options);
    const cpuAfter = cpuTicks(cluster.pid);
    // Where the cluster's CPU went (ticks of 10 ms): the primary only deals connections.
    const cpuSplit = `primary ${cpuAfter.primary - cpuBefore.primary}, workers ${cpuAfter.workers.map((t, i) => t - (cpuBefore.workers[i] ?? 0)).join(' / ')} CPU ticks`;
    log(`scale-out CPU during 2-worker run: ${cpuSplit}`);
    const one2 = await throughput(arena.portal.origin, TRIVIAL, options);
    const two2 = await throughput(cluster.origin, TRIVIAL, options);
    log(`scale-out runs: 1 worker ${one1.perSecond}, ${one2.perSecond}; 2 workers ${two1.perSecond}, ${two2.perSecond} req/s`);
    const sum = (a: Throughput, b: Throughput): Throughput => ({
      requests: a.requests + b.requests,
      perSecond: Math.round((a.perSecond + b.perSecond) / 2),
      errors: a.errors + b.errors,
    });
    const one = sum(one1, one2);
    const two = sum(two1, two2);
    const gain = round((100 * two.perSecond) / one.perSecond - 100, 0);
    rows.push({
      name: `scale-out: portal GET catalog.list with WEB_CONCURRENCY=2 (node:cluster), ${LOAD_CONNECTIONS} connections`,
      http: `${fmt(two.perSecond)} req/s (${gain >= 0 ? '+' : ''}${gain}%; ${cpuSplit})${two.errors ? `, ${two.errors} errors` : ''}`,
      baseline: `${fmt(one.perSecond)} req/s: the same build with WEB_CONCURRENCY=1, same run`,
      target: 'rises (2 cores shared with the client and PostgreSQL)',
      result: two.perSecond > one.perSecond ? 'pass' : 'miss',
    });
    // The trivial procedure is as cheap as the bare server now, so on 2 cores the client is the limit
    // either way; a procedure with real work per request (offers.list, 150 offers) shows what a
    // second worker adds when the app is the bottleneck.
    const OFFERS = '/api/trpc/offers.list';
    const heavy = { ...options, headers: { cookie: arena.flatCookie } };
    await throughput(cluster.origin, OFFERS, { ...heavy, seconds: 1 });
    const h1 = await throughput(arena.portal.origin, OFFERS, heavy);
    const h2 = await throughput(cluster.origin, OFFERS, heavy);
    const h3 = await throughput(arena.portal.origin, OFFERS, heavy);
    const h4 = await throughput(cluster.origin, OFFERS, heavy);
    const heavyOne = sum(h1, h3);
    const heavyTwo = sum(h2, h4);
    const heavyGain = round((100 * heavyTwo.perSecond) / heavyOne.perSecond - 100, 0);
    log(`scale-out offers.list runs: 1 worker ${h1.perSecond}, ${h3.perSecond}; 2 workers ${h2.perSecond}, ${h4.perSecond} req/s`);
    rows.push({
      name: `scale-out: portal GET offers.list (150 offers) with WEB_CONCURRENCY=2, ${LOAD_CONNECTIONS} connections`,
      http: `${fmt(heavyTwo.perSecond)} req/s (${heavyGain >= 0 ? '+' : ''}${heavyGain}%)${heavyTwo.errors ? `, ${heavyTwo.errors} errors` : ''}`,
      baseline: `${fmt(heavyOne.perSecond)} req/s with WEB_CONCURRENCY=1, same run`,
      target: 'rises when the app, not the client, is the limit',
      result: 'info',
    });
    if (heavyOne.errors || heavyTwo.errors) failures.push(`scale-out offers.list: ${heavyOne.errors + heavyTwo.errors} failed requests`);
    // Connections are dealt to the workers round-robin, so 40 streams land on both of them.
    const cookie = arena.racerCookies[0]!;
    const live = await fanOut(arena, cluster, cookie, 40, 2);
    const complete = live.opened === 40 && live.delivered === 80;
    rows.push({
      name: 'scale-out: live updates with WEB_CONCURRENCY=2 (40 streams dealt round-robin to both workers, 2 job changes)',
      http: `${live.delivered} of ${live.opened * 2} deliveries · p99 ${live.latency.p99} ms`,
      baseline: 'each worker LISTENs on its own connection',
      target: 'every stream gets every change',
      result: complete ? 'pass' : 'miss',
    });
    if (!complete) failures.push(`scale-out live: ${live.delivered} of 80 deliveries`);
    log(`scale-out: ${two.perSecond} req/s with 2 workers vs ${one.perSecond} with 1; live ${live.delivered}/80`);
    return { one, two, live, offers: { one: heavyOne, two: heavyTwo } };
  } finally {
    await cluster.stop();
  }
}
