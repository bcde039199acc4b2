/** The run's settings, its log and what every scenario adds to: the table's rows, the results, the failures. */
import { readFileSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import type { DbHandle } from '@h2s/db';
import type { TestDatabase } from '@h2s/db/testing';
import type { RunningApp } from './apps';
import type { Sql } from './seed';
import { round, type Summary } from './stats';

const argv = process.argv.slice(2);
export const flag = (name: string) => argv.includes(`--${name}`);
const option = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
export const quick = flag('quick');
/** `--only=a,b`: run just these scenarios (floor, offers, schedule, accept, webhook, upload, audit, live, scale, sim). */
const only = option('only')?.split(',').filter(Boolean) ?? null;
export const selected = (scenario: string) => only === null || only.includes(scenario);

export const RACERS = 50;
export const CLAIMS_PER_JOB = 3;
export const PASSWORD = 'bench-password-not-a-secret';
export const WEBHOOK_SECRET = 'whsec_bench_only_not_a_real_secret_0000';
export const UPLOAD_BYTES = 2 * 1024 * 1024;
export const UPLOAD_WARMUP = 3;

export const config = quick
  ? {
      jobs: 2_000,
      pros: 50,
      scalePoints: [1_000, 2_000],
      bigPoint: null,
      offersSamples: 100,
      raceJobs: 200,
      scheduleSamples: 50,
      webhookSamples: 100,
      uploadSamples: 20,
      warmup: 10,
      loadSeconds: 3,
      liveStreams: 1_000,
      liveChanges: 3,
    }
  : {
      jobs: 100_000,
      pros: 500,
      scalePoints: [1_000, 10_000, 100_000],
      bigPoint: 1_000_000,
      offersSamples: 300,
      raceJobs: 2_000,
      scheduleSamples: 200,
      webhookSamples: 300,
      uploadSamples: 60,
      warmup: 30,
      loadSeconds: 8,
      liveStreams: 5_000,
      liveChanges: 5,
    };
/** Keep-alive connections for the throughput rows (the autocannon figures used 8). */
export const LOAD_CONNECTIONS = 8;
export type BenchConfig = typeof config;
/** The 1M-job point runs only if the whole run is expected to stay within this many seconds. */
export const budgetSeconds = Number(option('budget') ?? 600);
/** Two pros beyond the N: in Kansas (offers from the uniform spread) and in Nebraska (a fixed set). */
export const offersPro = config.pros;
export const flatPro = config.pros + 1;
export const FIXED_CLUSTER = 150;

export const started = Date.now();
export const elapsed = () => (Date.now() - started) / 1000;
export const log = (line: string) => console.log(`[bench ${elapsed().toFixed(1).padStart(6)} s] ${line}`);

export interface Row {
  name: string;
  http: string;
  baseline: string;
  target: string;
  result: 'pass' | 'miss' | 'info';
  detail?: string;
}

export const rows: Row[] = [];
export const results: Record<string, unknown> = {};
export const failures: string[] = [];
export const ms = (value: number) => `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`;
export const lat = (s: Summary) => `p50 ${ms(s.p50)} · p99 ${ms(s.p99)}`;
export const fmt = (n: number) => n.toLocaleString('en-US');

export interface ProRow {
  lat: number;
  lng: number;
  radius: number;
}

/** What the setup leaves for the scenarios: the database, the running apps and signed-in pros. */
export interface Arena {
  database: TestDatabase;
  /** A pool of its own for the raw baselines, so they never wait behind the seeding connection. */
  raw: DbHandle;
  seedSql: Sql;
  apps: RunningApp[];
  portal: RunningApp;
  customer: RunningApp;
  racerIds: string[];
  racerCookies: string[];
  offersCookie: string;
  flatCookie: string;
  proRow: ProRow;
  flatRow: ProRow;
  uploadDir: string;
  baselineDir: string;
  /** Records each app's peak RSS under a phase's name. */
  sampleRss(phase: string): void;
  rss: Record<string, Record<string, number | null>>;
  /** Starts one more built app with extra settings (stopped at the end); null when the apps run in-process. */
  startExtra(name: 'customer' | 'portal', extraEnv: Record<string, string>): Promise<RunningApp | null>;
}

export function machine() {
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
