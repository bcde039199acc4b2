/**
 * WEB_CONCURRENCY (issue 13): the built app runs that many worker processes on one port (node:cluster),
 * and a job change reaches the live streams of every worker (each LISTENs on its own connection).
 */
import { spawn } from 'node:child_process';
import { get, type IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '@h2s/api/domain/auth';
import { seedDemo } from '@h2s/api/seed';
import { eq, users } from '@h2s/db';
import { createTestDatabase, freePort, type TestDatabase } from '@h2s/db/testing';
import { startApp, type RunningApp } from './apps';

const root = new URL('../../../', import.meta.url).pathname;

const env = (port: number, databaseUrl: string): Record<string, string> => ({
  NODE_ENV: 'production',
  DATABASE_URL: databaseUrl,
  DATABASE_POOL_MAX: '3',
  STRIPE_WEBHOOK_SECRET: 'whsec_cluster_test_not_the_dev_secret',
  URL_SIGNING_SECRET: 'c'.repeat(48),
  PAYMENTS_MODE: 'test',
  ORIGIN: `http://127.0.0.1:${port}`,
  CUSTOMER_ORIGIN: `http://127.0.0.1:${port}`,
});

const workerPids = (pid: number): number[] =>
  readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(/\s+/).filter(Boolean).map(Number);

/** Open TCP sockets a process holds (its listening and client connections). */
const socketCount = (pid: number): number =>
  readdirSync(`/proc/${pid}/fd`).filter((fd) => {
    try {
      return readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:');
    } catch {
      return false;
    }
  }).length;

describe('the built portal with WEB_CONCURRENCY=2', () => {
  let database: TestDatabase;
  let portal: RunningApp;
  let cookie: string;

  beforeAll(async () => {
    database = await createTestDatabase({ max: 2 });
    await seedDemo(database.db, new Date());
    const [pro] = await database.db.select({ id: users.id }).from(users).where(eq(users.email, 'marcus@pros.home2smart.dev'));
    const session = await createSession(database.db, pro!.id, new Date());
    cookie = `h2s_portal_session=${session.token}`;
    const port = await freePort();
    portal = await startApp('portal', { ...env(port, database.url), WEB_CONCURRENCY: '2' }, port);
  });

  afterAll(async () => {
    await portal?.stop();
    await database?.drop();
  });

  it('answers from two worker processes, and one job change reaches the open streams on both', async () => {
    const workers = workerPids(portal.process.pid!);
    expect(workers).toHaveLength(2);

    // Connections are dealt round-robin to the workers that listen; a worker may still be starting,
    // so open the streams again until both workers hold some.
    let controller = new AbortController();
    let streams: ReadableStreamDefaultReader<Uint8Array>[] = [];
    for (let attempt = 0; ; attempt++) {
      const before = workers.map(socketCount);
      controller = new AbortController();
      const signal = controller.signal;
      // Each stream on a connection of its own (no keep-alive pool): the socket counts then show where it went.
      streams = await Promise.all(
        Array.from({ length: 8 }, async () => {
          const response = await new Promise<IncomingMessage>((resolve, reject) =>
            get(
              `${portal.origin}/api/trpc/live.jobChanges`,
              { headers: { cookie, accept: 'text/event-stream' }, agent: false, signal },
              resolve,
            ).on('error', reject),
          );
          expect(response.headers['content-type']).toMatch(/text\/event-stream/);
          response.on('error', () => {}); // aborted below
          return (Readable.toWeb(response) as ReadableStream<Uint8Array>).getReader();
        }),
      );
      const after = workers.map(socketCount);
      if (after[0]! > before[0]! && after[1]! > before[1]!) break;
      controller.abort();
      if (attempt === 40) throw new Error(`the streams never reached both workers (sockets ${before} → ${after})`);
      // Let the workers close the aborted streams' sockets first, or the next count races their closing.
      for (let settle = 0, last = ''; settle < 20; settle++) {
        await new Promise((r) => setTimeout(r, 250));
        const now = workers.map(socketCount).join(',');
        if (now === last) break;
        last = now;
      }
    }
    try {
      await new Promise((r) => setTimeout(r, 500));

      const jobId = 'JOB-CLUSTERTEST1';
      await database.sql`select pg_notify('h2s_job_changes', ${JSON.stringify({ jobId, type: 'scheduled', at: new Date().toISOString() })})`;
      const received = await Promise.all(
        streams.map(async (reader) => {
          const decoder = new TextDecoder();
          let seen = '';
          const deadline = Date.now() + 5000;
          while (!seen.includes(jobId) && Date.now() < deadline) {
            const next = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), 500))]);
            if (next === null) continue;
            if (next.done) break;
            seen += decoder.decode(next.value);
          }
          return seen.includes(jobId);
        }),
      );
      expect(received).toEqual(Array(8).fill(true));
    } finally {
      controller.abort();
    }
  });

  it('still serves pages and procedures after a stream closes', async () => {
    const response = await fetch(`${portal.origin}/api/trpc/catalog.list`);
    expect(response.status).toBe(200);
    expect((await fetch(`${portal.origin}/login`)).status).toBe(200);
  });
});

describe('a WEB_CONCURRENCY that is not a whole number', () => {
  it('is refused with a message, before any worker starts', async () => {
    const port = await freePort();
    const child = spawn('node', [join(root, 'apps', 'portal', 'build')], {
      env: {
        ...process.env,
        ...env(port, 'postgres://nobody@127.0.0.1:1/unused'),
        PORT: String(port),
        HOST: '127.0.0.1',
        WEB_CONCURRENCY: 'two',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stderr.on('data', (d) => (output += d));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(output).toContain('WEB_CONCURRENCY must be a whole number from 1 to 256');
  });
});
