/**
 * 200 concurrent clients mix offers, accepts, schedules and uploads against the built apps for
 * LOAD_SECONDS (20 by default); halfway through, the portal is restarted. Afterwards no request may
 * have had a 5xx, no job may be double-assigned, and the integrity audit must find nothing.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyStripeEvent, createCheckout } from '@h2s/api/domain/checkout';
import { createPro } from '@h2s/api/domain/pros';
import { signTestEvent, testPayments } from '@h2s/api/domain/payments';
import { localFileStore } from '@h2s/api/domain/storage';
import { auditIntegrity } from '@h2s/api/integrity';
import { seedDemo } from '@h2s/api/seed';
import { createTestDatabase, type TestDatabase } from '@h2s/db/testing';
import { startApp, type RunningApp } from './apps';

const SECONDS = Number(process.env.LOAD_SECONDS ?? 20);
// Production refuses the development webhook secret (issue 10), so the load test brings its own.
const WEBHOOK_SECRET = 'whsec_load_test_not_the_dev_secret';
const CLIENTS = 200;
const PRO_CLIENTS = 80;
const CHICAGO_ZIPS = ['60601', '60605', '60607', '60610', '60611', '60614', '60616', '60618', '60622', '60625', '60640', '60657'];

let database: TestDatabase;
let uploadDir: string;
let customer: RunningApp;
let portal: RunningApp;
const pros: { email: string; cookie?: string }[] = [];
const orders: { sessionId: string; cookie?: string }[] = [];

/** A real PNG header and chunk, made unique by random bytes after IEND (decoders ignore them). */
function uniquePng(): Uint8Array {
  const png = Buffer.from(
    '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a3d1c8c80000000049454e44ae426082',
    'hex',
  );
  return Buffer.concat([png, randomBytes(32)]);
}

const cookieFrom = (response: Response, name: string) =>
  response.headers
    .getSetCookie()
    .find((c) => c.startsWith(`${name}=`))
    ?.split(';')[0];

beforeAll(async () => {
  database = await createTestDatabase({ max: 4 });
  uploadDir = mkdtempSync(join(tmpdir(), 'h2s-load-uploads-'));
  const now = new Date();
  await seedDemo(database.db, now);
  const payments = testPayments(WEBHOOK_SECRET);
  for (let i = 0; i < PRO_CLIENTS; i++) {
    const email = `load-pro-${i}@pros.test`;
    await createPro(
      database.db,
      {
        name: `Load Pro ${i}`,
        email,
        password: 'load test password',
        postalCode: CHICAGO_ZIPS[i % CHICAGO_ZIPS.length]!,
        serviceRadiusMiles: 60,
      },
      now,
    );
    pros.push({ email });
  }
  for (let i = 0; i < 150; i++) {
    const order = await createCheckout(
      { db: database.db, payments, customerOrigin: 'http://127.0.0.1' },
      {
        items: [{ sku: i % 2 ? 'tv-mount-standard' : 'smart-home-starter', quantity: 1 }],
        customer: { name: `Load Customer ${i}`, email: `load-customer-${i}@example.com`, phone: '312-555-0100' },
        serviceAddress: {
          line1: `${100 + i} W Madison St`,
          city: 'Chicago',
          state: 'IL',
          postalCode: CHICAGO_ZIPS[i % CHICAGO_ZIPS.length]!,
        },
      },
      now,
    );
    const event = signTestEvent(payments, {
      type: 'checkout.session.completed',
      sessionId: order.sessionId,
      orderId: order.orderId,
      amountTotalCents: order.amountTotalCents,
      paymentStatus: 'paid',
    });
    await applyStripeEvent({ db: database.db, payments }, event.payload, event.signature, now);
    orders.push({ sessionId: order.sessionId });
  }
  const env = {
    DATABASE_URL: database.url,
    UPLOAD_DIR: uploadDir,
    DATABASE_POOL_MAX: '10',
    NODE_ENV: 'production',
    URL_SIGNING_SECRET: 'load-test-secret-'.repeat(3),
    STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    PAYMENTS_MODE: 'test',
  };
  customer = await startApp('customer', env);
  portal = await startApp('portal', { ...env, CUSTOMER_ORIGIN: customer.origin });
  for (const pro of pros) {
    const response = await fetch(`${portal.origin}/api/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: pro.email, password: 'load test password' }),
    });
    pro.cookie = cookieFrom(response, 'h2s_portal_session');
  }
  for (const order of orders) {
    const response = await fetch(`${customer.origin}/api/trpc/auth.checkoutSession`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sessionId: order.sessionId }),
    });
    order.cookie = cookieFrom(response, 'h2s_customer_session');
  }
});

afterAll(async () => {
  await customer?.stop();
  await portal?.stop();
  await database?.drop();
  if (uploadDir) rmSync(uploadDir, { recursive: true, force: true });
});

describe(`${CLIENTS} concurrent clients for ${SECONDS} s, with a portal restart`, () => {
  it('serves every request without a 5xx and leaves every invariant intact', async () => {
    expect(pros.every((p) => p.cookie)).toBe(true);
    expect(orders.every((o) => o.cookie)).toBe(true);
    const statuses = new Map<string, number>();
    const count = (key: string) => statuses.set(key, (statuses.get(key) ?? 0) + 1);
    const deadline = Date.now() + SECONDS * 1000;
    let accepted = 0;
    // The first refusal of each status, to show what the 4xx answers were.
    const samples = new Map<number, string>();

    async function call(url: string, init: RequestInit = {}): Promise<Response | null> {
      try {
        const response = await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
        count(String(response.status));
        if (!response.ok && !samples.has(response.status))
          samples.set(response.status, `${new URL(url).pathname}: ${await response.clone().text()}`.slice(0, 300));
        return response;
      } catch {
        // The restarting portal refuses connections for a moment; a client backs off and retries.
        count('connection refused');
        await new Promise((r) => setTimeout(r, 100));
        return null;
      }
    }

    const proClient = async (i: number) => {
      const pro = pros[i % pros.length]!;
      while (Date.now() < deadline) {
        const response = await call(`${portal.origin}/api/trpc/offers.list`, { headers: { cookie: pro.cookie! } });
        if (!response?.ok) continue;
        const { result } = (await response.json()) as { result: { data: { offers: { jobId: string }[] } } };
        const pick = result.data.offers[Math.floor(Math.random() * Math.min(5, result.data.offers.length))];
        if (!pick || Math.random() > 0.3) continue;
        const accept = await call(`${portal.origin}/api/trpc/jobs.accept`, {
          method: 'POST',
          headers: { cookie: pro.cookie!, 'content-type': 'application/json' },
          body: JSON.stringify({ jobId: pick.jobId }),
        });
        if (accept?.ok) accepted++;
      }
    };

    const scheduleClient = async (i: number) => {
      const order = orders[i % orders.length]!;
      while (Date.now() < deadline) {
        const date = new Date(Date.now() + (2 + Math.floor(Math.random() * 30)) * 86_400_000).toISOString().slice(0, 10);
        const timeWindow = ['9am - 12pm', '12pm - 3pm', '3pm - 6pm'][Math.floor(Math.random() * 3)];
        await call(`${customer.origin}/api/trpc/schedule.confirm`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ sessionId: order.sessionId, date, timezone: 'America/Chicago', timeWindow }),
        });
      }
    };

    const uploadClient = async (i: number) => {
      const order = orders[i % orders.length]!;
      while (Date.now() < deadline) {
        const form = new FormData();
        form.set('sessionId', order.sessionId);
        form.set('file', new File([Buffer.from(uniquePng())], 'photo.png', { type: 'image/png' }));
        // Browsers send Origin with a multipart POST; SvelteKit refuses cross-site form posts without it.
        await call(`${customer.origin}/api/trpc/uploads.create`, {
          method: 'POST',
          headers: { cookie: order.cookie!, origin: customer.origin },
          body: form,
        });
        await call(
          `${customer.origin}/api/trpc/orders.bySession?input=${encodeURIComponent(JSON.stringify({ sessionId: order.sessionId }))}`,
        );
      }
    };

    const restart = (async () => {
      await new Promise((r) => setTimeout(r, (SECONDS * 1000) / 2));
      await portal.restart();
    })();
    await Promise.all([
      ...Array.from({ length: CLIENTS }, (_, i) => (i < PRO_CLIENTS ? proClient(i) : i < 160 ? scheduleClient(i) : uploadClient(i))),
      restart,
    ]);

    const served = [...statuses].filter(([k]) => /^\d+$/.test(k)).reduce((sum, [, n]) => sum + n, 0);
    const serverErrors = [...statuses].filter(([k]) => k.startsWith('5')).reduce((sum, [, n]) => sum + n, 0);
    const report = await auditIntegrity({ db: database.db, storage: localFileStore(uploadDir) });
    const [doubles] = await database.sql`
      select count(*)::int as n from (select job_id from job_assignments where state = 'accepted' group by job_id having count(*) > 1) d`;
    console.log(
      `[load] ${CLIENTS} clients, ${SECONDS} s: ${served} requests served, ${accepted} jobs accepted, statuses ${JSON.stringify(Object.fromEntries(statuses))}, ` +
        `first refusals ${JSON.stringify(Object.fromEntries(samples))}, integrity breaches ${report.breachCount}, peak RSS customer ${await customer.peakRssMiB()} MiB, portal (after restart) ${await portal.peakRssMiB()} MiB`,
    );
    expect(serverErrors).toBe(0);
    expect(served).toBeGreaterThan(CLIENTS);
    expect(accepted).toBeGreaterThan(0);
    expect(doubles!.n).toBe(0);
    expect(report.breachCount).toBe(0);
    expect(report.ok).toBe(true);
  });
});
