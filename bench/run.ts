/**
 * `pnpm bench [--quick] [--rebuild] [--in-process] [--skip-1m] [--budget=<seconds>]`
 *
 * Measures the apps through HTTP on 127.0.0.1 against a fresh PostgreSQL database, each next to a
 * baseline measured in the same run on the same server: the raw SQL (or file I/O) the request
 * boils down to, through `postgres` with no HTTP and no tRPC. Prints a table and writes
 * bench/results.json. Timing targets are reported, never enforced: the exit code is 0 unless
 * something failed outright (an error, a double assignment, a request that did not do its job).
 *
 * Each row is a scenario in bench/scenarios/; bench/lib/ holds the setup, the seed and the HTTP client.
 * See bench/README.md for what each row means and the figures from this machine.
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { root } from './lib/apps';
import {
  CLAIMS_PER_JOB,
  config,
  elapsed,
  failures,
  log,
  machine,
  quick,
  RACERS,
  results,
  rows,
  selected,
  started,
  UPLOAD_BYTES,
} from './lib/context';
import { cleanup, setUp } from './lib/setup';
import { round } from './lib/stats';
import { acceptRace } from './scenarios/accept';
import { integrityAudit } from './scenarios/audit';
import { scaleOut, stackFloor } from './scenarios/floor';
import { liveFanOut } from './scenarios/live';
import { offersAtOneMillion, offersAtScale } from './scenarios/offers';
import { scheduleConfirm } from './scenarios/schedule';
import { simulatedDay } from './scenarios/sim';
import { photoUpload } from './scenarios/upload';
import { stripeWebhook } from './scenarios/webhook';
import { crowdedOffers, dayPlanRows, routeAwareOffers } from './scenarios/dayplan';

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    void cleanup().finally(() => process.exit(130));
  });
}

async function main(): Promise<void> {
  const info = machine();
  log(`${quick ? 'quick' : 'full'} run on ${info.nproc} × ${info.cpuModel}, ${info.memTotalGb} GB RAM, Node ${info.node}`);
  results.machine = info;
  results.mode = quick ? 'quick' : 'full';
  results.startedAt = new Date(started).toISOString();

  const arena = await setUp();
  // `--only=floor,offers,…`: just those scenarios (for iterating on one row; the table says so).
  const run = <T>(name: string, scenario: () => Promise<T>): Promise<T | null> => (selected(name) ? scenario() : Promise.resolve(null));
  const floor = await run('floor', () => stackFloor(arena));
  // The order matters: each scenario runs on the tables the ones before it grew.
  const offers = await run('offers', () => offersAtScale(arena));
  const schedule = await run('schedule', () => scheduleConfirm(arena));
  const accept = await run('accept', () => acceptRace(arena));
  const webhook = await run('webhook', () => stripeWebhook(arena));
  const upload = await run('upload', () => photoUpload(arena));
  const audit = await run('audit', () => integrityAudit(arena));
  const live = await run('live', () => liveFanOut(arena, config.liveStreams, config.liveChanges));
  arena.sampleRss('live');
  await run('dayplan', async () => {
    await dayPlanRows(arena);
    await routeAwareOffers(arena);
    await crowdedOffers(arena);
  });
  const scale = await run('scale', () => scaleOut(arena));
  if (offers) await offersAtOneMillion(arena, offers);
  const sim = await run('sim', () => simulatedDay());

  for (const app of arena.apps) {
    const phases = Object.entries(arena.rss)
      .map(([phase, values]) => `${phase} ${values[app.name] ?? '?'}`)
      .join(', ');
    rows.push({
      name: `peak RSS (VmHWM) of the ${app.name} ${app.mode === 'built' ? 'process' : 'bench process (in-process server)'}`,
      http: `${arena.rss.end?.[app.name] ?? '?'} MB`,
      baseline: '–',
      target: '(by phase, MB: ' + phases + ')',
      result: 'info',
    });
  }

  results.config = { ...config, racers: RACERS, claimsPerJob: CLAIMS_PER_JOB, uploadBytes: UPLOAD_BYTES };
  results.offers = offers && { uniform: offers.scale, fixedNeighbourhood: offers.flat };
  results.bigPoint = offers?.bigNote;
  results.schedule = schedule;
  results.accept = accept;
  results.webhook = webhook;
  results.upload = upload;
  results.audit = audit;
  results.stackFloor = floor;
  results.liveFanOut = live;
  results.scaleOut = scale;
  results.simulatedDay = sim;
  results.rssMb = arena.rss;
  results.rows = rows;
  results.failures = failures;
  results.durationSeconds = round(elapsed(), 1);
  results.loadAverageAtEnd = round(loadavg()[0] ?? 0, 2);
}

function table(): string {
  const header = ['benchmark', 'app over HTTP', 'baseline, same run', 'target', 'result'];
  const body = rows.map((r) => [
    r.name,
    r.http,
    r.baseline,
    r.target,
    `${r.result === 'info' ? 'info' : r.result === 'pass' ? '✅ pass' : '❌ miss'}${r.detail ? ` (${r.detail})` : ''}`,
  ]);
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
  console.log(
    `${quick ? 'Quick' : 'Full'} run, ${new Date(started).toISOString()}, ${info?.nproc} × ${info?.cpuModel}, ${info?.memTotalGb} GB, PostgreSQL ${results.postgres ?? '?'}, ${Math.round(elapsed())} s`,
  );
  console.log(
    `1-minute load average: ${info?.loadAverageAtStart} at the start, ${round(loadavg()[0] ?? 0, 2)} at the end (${info?.nproc} cores)`,
  );
  console.log(
    `Apps: ${Object.entries((results.apps as Record<string, string>) ?? {})
      .map(([k, v]) => `${k}: ${v}`)
      .join('; ')}`,
  );
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
