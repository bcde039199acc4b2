/**
 * `pnpm start` (issue 10, finding 3): on an empty database it applies the migrations and runs both
 * built apps with production defaults, each on its own port; with a setting missing it starts nothing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, testServerUrl } from '@h2s/db/testing';

const root = new URL('../../../', import.meta.url).pathname;
const name = `h2s_start_${Math.random().toString(36).slice(2, 10)}`;
let admin: postgres.Sql;
let databaseUrl: string;
let uploadDir: string;

beforeAll(async () => {
  admin = postgres(testServerUrl(), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(testServerUrl());
  url.pathname = `/${name}`;
  databaseUrl = url.toString();
  uploadDir = mkdtempSync(join(tmpdir(), 'h2s-start-uploads-'));
});

afterAll(async () => {
  await admin.unsafe(`drop database if exists "${name}" with (force)`);
  await admin.end();
  rmSync(uploadDir, { recursive: true, force: true });
});

function pnpmStart(env: Record<string, string | undefined>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn('pnpm', ['--silent', 'start'], {
    cwd: root,
    env: { ...process.env, NODE_ENV: undefined, BODY_SIZE_LIMIT: undefined, ...env } as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitForUp(origin: string, path: string): Promise<Response> {
  for (;;) {
    try {
      return await fetch(`${origin}${path}`);
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

const secrets = {
  STRIPE_WEBHOOK_SECRET: 'whsec_start_test_secret',
  URL_SIGNING_SECRET: 's'.repeat(40),
  PAYMENTS_MODE: 'test',
  // Nothing listens here; the worker only connects when it has mail to send.
  SMTP_URL: 'smtp://127.0.0.1:9',
};

describe('pnpm start', () => {
  it('migrates an empty database, then serves both built apps on CUSTOMER_PORT and PORTAL_PORT', async () => {
    const customerPort = await freePort();
    const portalPort = await freePort();
    const run = pnpmStart({
      ...secrets,
      DATABASE_URL: databaseUrl,
      UPLOAD_DIR: uploadDir,
      CUSTOMER_PORT: String(customerPort),
      PORTAL_PORT: String(portalPort),
    });
    try {
      const storefront = await Promise.race([waitForUp(`http://localhost:${customerPort}`, '/'), run.exited.then(() => null)]);
      expect(storefront, run.output()).not.toBeNull();
      expect(storefront!.status).toBe(200);
      const html = await storefront!.text();
      // Production defaults: the test checkout only by explicit choice, and then every page says so.
      expect(html).toContain('Test mode: no real payments');
      const portal = await waitForUp(`http://localhost:${portalPort}`, '/login');
      expect(portal.status).toBe(200);
      expect(await portal.text()).toContain('Test mode: no real payments');
      const db = postgres(databaseUrl, { max: 1, onnotice: () => {} });
      const [row] =
        await db`select to_regclass('public.orders') is not null as migrated, to_regclass('public.rate_limit_hits') is not null as latest`;
      await db.end();
      expect(row).toEqual({ migrated: true, latest: true });
      // The worker runs beside the apps: graphile-worker's schema is installed and the log says so.
      for (let i = 0; i < 100 && !run.output().includes('[worker] texts:'); i++) await new Promise((r) => setTimeout(r, 100));
      expect(run.output()).toContain('[worker] running (mail: SMTP, payments: test)');
      // No TWILIO_ settings: production still starts (texts are optional), and says texts are off.
      expect(run.output()).toContain('[start] texts are off');
      expect(run.output()).toContain('[worker] texts: off (no TWILIO_ settings)');
    } finally {
      process.kill(-run.child.pid!, 'SIGTERM');
      await run.exited;
    }
  });

  it('starts nothing and names the setting when one is missing', async () => {
    const run = pnpmStart({ ...secrets, URL_SIGNING_SECRET: undefined, DATABASE_URL: databaseUrl });
    expect(await run.exited).not.toBe(0);
    expect(run.output()).toContain('URL_SIGNING_SECRET:');
  });

  it('refuses to start without SMTP_URL in production: there is no dev outbox there', async () => {
    const run = pnpmStart({ ...secrets, SMTP_URL: undefined, DATABASE_URL: databaseUrl });
    expect(await run.exited).not.toBe(0);
    expect(run.output()).toContain('SMTP_URL is missing');
  });
});
