/**
 * Issue 20, items 1 and 8, against `pnpm start`: an unreadable path is a 400 from both apps and ends
 * nothing; a crashed process is restarted while the others keep serving; /healthz and /readyz answer;
 * a signal to `pnpm start` stops everything gracefully with exit code 0.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, testServerUrl } from '@h2s/db/testing';

const root = new URL('../../../', import.meta.url).pathname;
const name = `h2s_supervise_${Math.random().toString(36).slice(2, 10)}`;
let admin: postgres.Sql;
let uploadDir: string;
let run: { child: ChildProcess; output: () => string; exited: Promise<number | null> };
let customer: string;
let portal: string;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => Promise<T | null>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => null);
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms:\n${run.output()}`);
    await sleep(200);
  }
}

/** The pids of the processes in `pnpm start`'s group whose command line contains `needle`. */
function pidsOf(needle: string): number[] {
  const lines = execFileSync('ps', ['-o', 'pid=,args=', '-g', String(run.child.pid)], { encoding: 'utf8' }).split('\n');
  return lines.filter((l) => l.includes(needle) && !l.includes('ps -o')).map((l) => Number(l.trim().split(/\s+/, 1)[0]));
}
const pidOf = (needle: string) => pidsOf(needle)[0] ?? null;

beforeAll(async () => {
  admin = postgres(testServerUrl(), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(testServerUrl());
  url.pathname = `/${name}`;
  uploadDir = mkdtempSync(join(tmpdir(), 'h2s-supervise-uploads-'));
  const customerPort = await freePort();
  const portalPort = await freePort();
  customer = `http://localhost:${customerPort}`;
  portal = `http://localhost:${portalPort}`;
  const child = spawn('pnpm', ['--silent', 'start'], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: undefined,
      BODY_SIZE_LIMIT: undefined,
      STRIPE_WEBHOOK_SECRET: 'whsec_supervise_test_secret',
      URL_SIGNING_SECRET: 's'.repeat(40),
      PAYMENTS_MODE: 'test',
      SMTP_URL: 'smtp://127.0.0.1:9',
      SMS_MODE: 'off',
      DATABASE_URL: url.toString(),
      UPLOAD_DIR: uploadDir,
      CUSTOMER_PORT: String(customerPort),
      PORTAL_PORT: String(portalPort),
    } as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  run = { child, output: () => output, exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))) };
  await until('the storefront', async () => ((await fetch(`${customer}/healthz`)).ok ? true : null));
  await until('the portal', async () => ((await fetch(`${portal}/healthz`)).ok ? true : null));
});

afterAll(async () => {
  if (run?.child.exitCode === null) {
    process.kill(-run.child.pid!, 'SIGKILL');
    await run.exited;
  }
  await admin.unsafe(`drop database if exists "${name}" with (force)`);
  await admin.end();
  rmSync(uploadDir, { recursive: true, force: true });
});

describe('pnpm start at the edges', () => {
  it('answers an unreadable path with a 400 page from both apps, and both keep serving', async () => {
    for (const origin of [portal, customer]) {
      for (const path of ['/%', '/offers/%E0%A4%A', '/api/%', '/login/%ZZ?next=%']) {
        const response = await fetch(`${origin}${path}`, { redirect: 'manual' });
        expect(response.status, `${origin}${path}`).toBe(400);
        await response.text();
      }
    }
    await sleep(500);
    expect((await fetch(`${portal}/login`)).status).toBe(200);
    expect((await fetch(`${customer}/`)).status).toBe(200);
    expect(run.output()).not.toContain('UnhandledPromiseRejection');
  });

  it('answers /healthz and /readyz with JSON: ready once migrations are applied and the worker beats', async () => {
    for (const origin of [portal, customer]) {
      const health = await fetch(`${origin}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' });
      const ready = await until('ready', async () => {
        const response = await fetch(`${origin}/readyz`);
        return response.status === 200 ? response : null;
      });
      expect(ready.headers.get('content-type')).toContain('application/json');
      expect(await ready.json()).toMatchObject({ status: 'ready', checks: { database: 'ok', migrations: 'current', worker: 'ok' } });
    }
  });

  it('restarts a crashed app with a log line saying why, while the other app keeps serving', async () => {
    const before = pidOf('apps/portal/build');
    expect(before).not.toBeNull();
    process.kill(before!, 'SIGKILL');
    // The storefront is not stopped with it.
    await sleep(300);
    expect((await fetch(`${customer}/`)).status).toBe(200);
    await until('the restart log line', async () =>
      /portal app was killed by SIGKILL; restarting it in \d+ s/.test(run.output()) ? true : null,
    );
    await until('the portal back up', async () => ((await fetch(`${portal}/login`)).status === 200 ? true : null));
    expect(pidOf('apps/portal/build')).not.toBe(before);
    expect(run.child.exitCode).toBeNull();
  });

  it('stops everything gracefully on a signal to pnpm start, exiting 0', async () => {
    // The signal goes to `pnpm start`'s own script (the node process running scripts/start.ts; pnpm's
    // shell and tsx's launcher sit above it), not to the apps.
    const script = pidsOf('scripts/start.ts').at(-1);
    expect(script).toBeDefined();
    process.kill(script!, 'SIGTERM');
    expect(await run.exited).toBe(0);
    expect(run.output()).toContain('[start] SIGTERM: stopping the apps and the worker');
    await expect(fetch(`${customer}/healthz`)).rejects.toThrow();
    await expect(fetch(`${portal}/healthz`)).rejects.toThrow();
  });
});

describe('pnpm start with a bad setting', () => {
  it('starts nothing and names it, e.g. OFFER_WIDEN_AFTER_MINUTES=0.05 (issue 20, item 7)', async () => {
    const child = spawn('pnpm', ['--silent', 'start'], {
      cwd: root,
      env: { ...process.env, NODE_ENV: undefined, OFFER_WIDEN_AFTER_MINUTES: '0.05', WORKER_CONCURRENCY: 'lots' } as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).not.toBe(0);
    expect(output).toContain('OFFER_WIDEN_AFTER_MINUTES: invalid value "0.05"');
    expect(output).toContain('WORKER_CONCURRENCY: invalid value "lots"');
    expect(output).not.toContain('[start] migrations applied');
  });
});
