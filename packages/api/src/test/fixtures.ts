/** Builds a real API over a fresh test database: procedures through createCaller or plain HTTP. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@h2s/db/testing';
import { newUserId, users, type Skill } from '@h2s/db';
import { createSession, hashPassword, type Viewer } from '../domain/auth';
import { applyStripeEvent, type CheckoutInput } from '../domain/checkout';
import type { Clock } from '../domain/clock';
import { signTestEvent, testPayments } from '../domain/payments';
import { createPro } from '../domain/pros';
import { localFileStore } from '../domain/storage';
import { seedCatalog } from '../seed';
import { appRouter } from '../root';
import { createAppServer, type AppServer } from '../server';
import { createCallerFactory, type CookieJar } from '../trpc';
import { afterPhotoForm } from './images';
import { TRPCError } from '@trpc/server';
import { DomainError } from '../domain/errors';

const createCaller = createCallerFactory(appRouter);

export const TEST_WEBHOOK_SECRET = 'whsec_test_fixture_secret';

export interface TestApi {
  t: TestDatabase;
  server: AppServer;
  clock: Clock & { set(at: string | Date): void };
  uploadDir: string;
  /** Where streamed uploads wait while their call runs (empty between calls). */
  uploadTmpDir: string;
  /** A caller as this viewer (null: anonymous); pass a cookie jar to inspect what it sets. */
  caller(viewer?: Viewer | null, cookies?: MemoryCookies): Promise<Awaited<ReturnType<AppServer['caller']>>>;
  /** A signed-in pro (created with a real account and session). */
  pro(
    input?: Partial<{ name: string; postalCode: string; serviceRadiusMiles: number; skills: Skill[] }>,
  ): Promise<Viewer & { token: string }>;
  admin(): Promise<Viewer & { token: string }>;
  /** checkout.create + a signed, delivered checkout.session.completed. */
  paidOrder(input?: Partial<CheckoutInput>): Promise<{ orderId: string; sessionId: string; jobId: string; customer: Viewer }>;
  /** The assigned pro's whole visit: depart, start, an after photo, complete. */
  finishVisit(pro: Viewer, jobId: string): Promise<void>;
  close(): Promise<void>;
}

export class MemoryCookies implements CookieJar {
  readonly values = new Map<string, string>();
  get(name: string) {
    return this.values.get(name);
  }
  set(name: string, value: string) {
    this.values.set(name, value);
  }
  delete(name: string) {
    this.values.delete(name);
  }
}

export const sampleCheckout = (overrides: Partial<CheckoutInput> = {}): CheckoutInput => ({
  items: [{ sku: 'tv-mount-standard', quantity: 1 }],
  customer: { name: 'Avery Johnson', email: `avery+${Math.random().toString(36).slice(2, 8)}@example.com`, phone: '312-555-0142' },
  serviceAddress: { line1: '233 S Wacker Dr', city: 'Chicago', state: 'IL', postalCode: '60601' },
  ...overrides,
});

let counter = 0;

/**
 * Checkout refuses addresses no pro covers, so every test database starts with one pro who covers
 * the sample address (Chicago, 50 mi, every skill); `coverage: false` starts with none.
 */
export const COVERAGE_PRO_EMAIL = 'coverage-pro@pros.test';

export async function createTestApi(
  options: { now?: string; app?: 'customer' | 'portal'; poolMax?: number; coverage?: boolean } = {},
): Promise<TestApi> {
  const t = await createTestDatabase({ max: options.poolMax ?? 10 });
  let instant = new Date(options.now ?? '2026-01-09T15:00:00.000Z');
  const clock = { now: () => new Date(instant), set: (at: string | Date) => void (instant = new Date(at)) };
  const uploadDir = mkdtempSync(join(tmpdir(), 'h2s-uploads-'));
  const uploadTmpDir = mkdtempSync(join(tmpdir(), 'h2s-upload-staging-'));
  const payments = testPayments(TEST_WEBHOOK_SECRET, 'http://customer.test');
  const server = createAppServer({
    app: options.app ?? 'customer',
    handle: t,
    clock,
    payments,
    storage: localFileStore(uploadDir),
    uploadTmpDir,
    env: { NODE_ENV: 'test', CUSTOMER_ORIGIN: 'http://customer.test' },
  });
  await seedCatalog(t.db);
  if (options.coverage !== false) {
    await createPro(
      t.db,
      { name: 'Coverage Pro', email: COVERAGE_PRO_EMAIL, password: 'correct horse battery', postalCode: '60601', serviceRadiusMiles: 50 },
      clock.now(),
    );
  }

  const caller: TestApi['caller'] = async (viewer = null, cookies = new MemoryCookies()) => {
    const ctx = await server.createContext({ cookies, clientIp: null });
    return createCaller({ ...ctx, viewer });
  };

  const staff = async (
    role: 'pro' | 'admin',
    input: Partial<{ name: string; postalCode: string; serviceRadiusMiles: number; skills: Skill[] }> = {},
  ) => {
    const n = ++counter;
    const name = input.name ?? `${role === 'pro' ? 'Pro' : 'Admin'} ${n}`;
    const email = `${role}${n}-${Math.random().toString(36).slice(2, 8)}@pros.test`;
    let userId: string;
    if (role === 'pro') {
      ({ proId: userId } = await createPro(
        t.db,
        {
          name,
          email,
          password: 'correct horse battery',
          postalCode: input.postalCode ?? '60601',
          serviceRadiusMiles: input.serviceRadiusMiles ?? 50,
          ...(input.skills ? { skills: input.skills } : {}),
        },
        clock.now(),
      ));
    } else {
      userId = newUserId();
      await t.db
        .insert(users)
        .values({ id: userId, role: 'admin', email, name, passwordHash: await hashPassword('correct horse battery') });
    }
    const session = await createSession(t.db, userId, clock.now());
    return { userId, role, name, email, token: session.token };
  };

  return {
    t,
    server,
    clock,
    uploadDir,
    uploadTmpDir,
    caller,
    pro: (input) => staff('pro', input),
    admin: () => staff('admin'),
    async paidOrder(input = {}) {
      const anon = await caller(null);
      const checkout = sampleCheckout(input);
      const order = await anon.checkout.create(checkout);
      const [row] = await t.sql<
        { amount: number; customer: string }[]
      >`select amount_total_cents as amount, customer_user_id as customer from orders where id = ${order.orderId}`;
      const { payload, signature } = signTestEvent(payments, {
        type: 'checkout.session.completed',
        sessionId: order.sessionId,
        orderId: order.orderId,
        amountTotalCents: row!.amount,
        paymentStatus: 'paid',
      });
      const result = await applyStripeEvent({ db: t.db, payments }, payload, signature, clock.now());
      if (result.outcome !== 'paid') throw new Error(`payment failed: ${JSON.stringify(result)}`);
      return {
        orderId: order.orderId,
        sessionId: order.sessionId,
        jobId: result.jobId,
        customer: { userId: row!.customer, role: 'customer', name: checkout.customer.name, email: checkout.customer.email },
      };
    },
    async finishVisit(pro, jobId) {
      const c = await caller(pro);
      await c.jobs.depart({ jobId });
      await c.jobs.start({ jobId });
      await c.uploads.create(afterPhotoForm(jobId));
      await c.jobs.complete({ jobId });
    },
    async close() {
      await server.deps.live.close();
      await t.drop();
      rmSync(uploadDir, { recursive: true, force: true });
      rmSync(uploadTmpDir, { recursive: true, force: true });
    },
  };
}

/** The error a call was refused with, shaped as tRPC's (a domain function called directly throws DomainError). */
export async function rejection(promise: Promise<unknown>): Promise<TRPCError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCError) return error;
    if (error instanceof DomainError) return new TRPCError({ code: error.code, message: error.message, cause: error });
    throw error;
  }
  throw new Error('expected the call to be refused');
}
