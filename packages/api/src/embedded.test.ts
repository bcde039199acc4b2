/**
 * The `pnpm dev` database under concurrent load: the embedded PostgreSQL that `startEmbedded`
 * runs, migrated and seeded as `pnpm dev` does, serving the apps' pool of 10 connections. Under
 * PGlite's socket multiplexer the admin job page (four queries at once) and two photos chosen at
 * once mixed up their parameters; here every answer must be the right one.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyPng } from './test/images';
import { createDb, runMigrations, type DbHandle } from '@h2s/db';
import { runningPort, startEmbedded, type EmbeddedServer } from '@h2s/db/embedded';
import { freePort } from '@h2s/db/testing';
import { createSession } from './domain/auth';
import { fixedClock } from './domain/clock';
import { LIVE_CHANNEL, type JobChange } from './domain/events';
import { DEV_WEBHOOK_SECRET, testPayments } from './domain/payments';
import { localFileStore } from './domain/storage';
import { seedDemo } from './seed';
import { DEMO_ADMIN } from './seed-data';
import { createAppServer, type AppServer } from './server';

const NOW = new Date('2026-01-09T15:00:00.000Z');
const APP_POOL_MAX = 10; // DATABASE_POOL_MAX's default, what each `pnpm dev` app opens

let dataDir: string;
let uploadDir: string;
let embedded: EmbeddedServer;
let handle: DbHandle;
let portal: AppServer;
let customer: AppServer;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'h2s-embedded-'));
  chmodSync(dataDir, 0o755); // as root, PostgreSQL runs as `postgres` and must reach its data directory
  uploadDir = mkdtempSync(join(tmpdir(), 'h2s-embedded-uploads-'));
  embedded = await startEmbedded(join(dataDir, 'postgres'), await freePort());
  const setup = createDb(embedded.url, { max: 1 });
  await runMigrations(setup);
  await seedDemo(setup.db, NOW);
  await setup.close();
  handle = createDb(embedded.url, { max: APP_POOL_MAX });
  const common = {
    handle,
    clock: fixedClock(NOW),
    storage: localFileStore(uploadDir),
    payments: testPayments(DEV_WEBHOOK_SECRET, 'http://customer.test'),
    env: { NODE_ENV: 'test', CUSTOMER_ORIGIN: 'http://customer.test' },
  };
  portal = createAppServer({ app: 'portal', ...common });
  customer = createAppServer({ app: 'customer', ...common });
}, 120_000);

afterAll(async () => {
  await portal?.deps.live.close();
  await customer?.deps.live.close();
  await handle?.close();
  await embedded?.stop();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(uploadDir, { recursive: true, force: true });
});

const get = async (app: AppServer, cookie: string, path: string, input: unknown) => {
  const response = await app.handlePlainTrpc(
    new Request(`http://app.test/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`, { headers: { cookie } }),
  );
  return { status: response.status, body: (await response.json()) as { result?: { data: unknown }; error?: unknown } };
};

describe('the pnpm dev database (embedded PostgreSQL)', () => {
  it('is real PostgreSQL 18 with btree_gist', async () => {
    const [row] = await handle.sql<{ version: string; gist: number }[]>`
      select current_setting('server_version_num')::int as version,
             (select count(*)::int from pg_available_extensions where name = 'btree_gist') as gist`;
    expect(Number(row!.version)).toBeGreaterThanOrEqual(180000);
    expect(row!.gist).toBe(1);
  });

  it("answers the admin job page's four parallel queries correctly, for every job at once", async () => {
    const [admin] = await handle.sql<{ id: string }[]>`select id from users where email = ${DEMO_ADMIN.email}`;
    const session = await createSession(handle.db, admin!.id, NOW);
    const cookie = `${portal.sessionCookie}=${encodeURIComponent(session.token)}`;
    const jobs = await handle.sql<{ id: string }[]>`select id from dispatch_jobs order by id`;
    expect(jobs.length).toBeGreaterThanOrEqual(3);

    // Every job page at once, each loading job + history + pros + photos in parallel, three times over.
    const pages = await Promise.all(
      [1, 2, 3].flatMap(() =>
        jobs.map(async ({ id }) => {
          const [job, history, pros, photos] = await Promise.all([
            get(portal, cookie, 'jobs.get', { jobId: id }),
            get(portal, cookie, 'admin.history', { jobId: id }),
            get(portal, cookie, 'admin.pros', { jobId: id }),
            get(portal, cookie, 'uploads.list', { jobId: id }),
          ]);
          return { id, job, history, pros, photos };
        }),
      ),
    );
    const [counted] = await handle.sql<{ pros: number }[]>`select count(*)::int as pros from pros`;
    for (const page of pages) {
      expect([page.job.status, page.history.status, page.pros.status, page.photos.status]).toEqual([200, 200, 200, 200]);
      expect((page.job.body.result!.data as { jobId: string }).jobId).toBe(page.id);
      const events = (page.history.body.result!.data as { events: { type: string }[] }).events;
      expect(events.length).toBeGreaterThan(0);
      expect((page.pros.body.result!.data as { pros: unknown[] }).pros).toHaveLength(counted!.pros);
      expect(page.photos.body.result!.data).toMatchObject({ count: 0 });
    }
  });

  it('stores several photos chosen at once, every one of them', async () => {
    const [order] = await handle.sql<{ sessionId: string; customerId: string; jobId: string }[]>`
      select o.stripe_session_id as "sessionId", o.customer_user_id as "customerId", j.id as "jobId"
      from orders o join dispatch_jobs j on j.order_id = o.id order by o.created_at limit 1`;
    const session = await createSession(handle.db, order!.customerId, NOW);
    const cookie = `${customer.sessionCookie}=${encodeURIComponent(session.token)}`;
    const colours: [number, number, number][] = [
      [200, 10, 10],
      [10, 200, 10],
      [10, 10, 200],
      [90, 90, 90],
    ];
    const responses = await Promise.all(
      colours.map(async (rgb, i) => {
        const body = new FormData();
        body.set('sessionId', order!.sessionId);
        body.set('file', new File([tinyPng(rgb)], `photo-${i}.png`, { type: 'image/png' }));
        const response = await customer.handlePlainTrpc(
          new Request('http://app.test/api/trpc/uploads.create', { method: 'POST', body, headers: { cookie } }),
        );
        return {
          status: response.status,
          body: (await response.json()) as { result: { data: { duplicate: boolean; upload: { jobId: string } } } },
        };
      }),
    );
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(responses.every((r) => r.body.result.data.upload.jobId === order!.jobId && !r.body.result.data.duplicate)).toBe(true);
    const listed = await get(customer, cookie, 'uploads.list', { jobId: order!.jobId });
    expect(listed.body.result!.data).toMatchObject({ count: 4 });
  });

  it('carries LISTEN/NOTIFY between connections, so live updates need no polling', async () => {
    const abort = new AbortController();
    const received = (async () => {
      for await (const change of portal.deps.live.changes(abort.signal)) return change;
      return null;
    })();
    const change: JobChange = { jobId: 'JOB-LIVETEST', type: 'assigned', at: NOW.toISOString() };
    // The subscription LISTENs on its own connection; keep notifying until it hears one.
    let heard: JobChange | null = null;
    void received.then((c) => (heard = c));
    for (let attempt = 0; attempt < 50 && !heard; attempt++) {
      await handle.sql.notify(LIVE_CHANNEL, JSON.stringify(change));
      await new Promise((r) => setTimeout(r, 20));
    }
    abort.abort();
    expect(await received).toEqual(change);
  });

  it('says in one line when its port is taken, and serves on a free one instead', async () => {
    // Something else (another project's database) holds the preferred port.
    const squatter = createServer();
    const taken = await new Promise<number>((done) =>
      squatter.listen(0, '127.0.0.1', () => done((squatter.address() as { port: number }).port)),
    );
    const dir = join(dataDir, 'second');
    const told: string[] = [];
    const second = await startEmbedded(dir, taken, { onPortTaken: (was, now) => told.push(`port ${was} is taken; using ${now}`) });
    try {
      expect(told).toEqual([`port ${taken} is taken; using ${second.port}`]);
      expect(second.port).not.toBe(taken);
      // Command-line tools find the running server through its data directory.
      expect(await runningPort(dir)).toBe(second.port);
      const probe = createDb(second.url, { max: 1 });
      expect((await probe.sql<{ one: number }[]>`select 1 as one`)[0]!.one).toBe(1);
      await probe.close();
    } finally {
      await second.stop();
      squatter.close();
    }
  }, 60_000);
});
