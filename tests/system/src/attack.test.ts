/** Attacks on the built customer app over real HTTP: oversized bodies and cross-site posts leave no trace. */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_WEBHOOK_SECRET } from '@h2s/api/domain/payments';
import { seedCatalog } from '@h2s/api/seed';
import { createTestDatabase, type TestDatabase } from '@h2s/db/testing';
import { paidOrder, startApp, type RunningApp } from './apps';

let database: TestDatabase;
let uploadDir: string;
let customer: RunningApp;
let sessionId: string;
let cookie: string;

beforeAll(async () => {
  database = await createTestDatabase({ max: 2 });
  await seedCatalog(database.db);
  uploadDir = mkdtempSync(join(tmpdir(), 'h2s-attack-uploads-'));
  customer = await startApp('customer', { DATABASE_URL: database.url, UPLOAD_DIR: uploadDir, DATABASE_POOL_MAX: '4' });
  const order = await paidOrder(database.db, DEV_WEBHOOK_SECRET, customer.origin);
  sessionId = order.sessionId;
  const visit = await fetch(`${customer.origin}/api/trpc/auth.checkoutSession`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sessionId }),
  });
  cookie = visit.headers.getSetCookie()[0]!.split(';')[0]!;
});

afterAll(async () => {
  await customer?.stop();
  await database?.drop();
  if (uploadDir) rmSync(uploadDir, { recursive: true, force: true });
});

const counts = async () =>
  (
    await database.sql`select (select count(*)::int from orders) as orders, (select count(*)::int from customer_uploads) as uploads, (select count(*)::int from stripe_events) as events`
  )[0];

describe('the built customer app under attack', () => {
  it('refuses a 100 MB body with 413 on the upload and webhook routes, storing nothing', async () => {
    const before = await counts();
    const huge = new Uint8Array(100 * 1024 * 1024);
    const form = new FormData();
    form.set('sessionId', 'cs_test_attacker_session');
    form.set('file', new File([huge], 'huge.jpg', { type: 'image/jpeg' }));
    // Anonymous or the order's own customer: refused by its declared length, before the body is read.
    const anonymous = await fetch(`${customer.origin}/api/trpc/uploads.create`, {
      method: 'POST',
      body: form,
      headers: { origin: customer.origin },
    });
    expect(anonymous.status).toBe(413);
    form.set('sessionId', sessionId);
    const upload = await fetch(`${customer.origin}/api/trpc/uploads.create`, {
      method: 'POST',
      body: form,
      headers: { origin: customer.origin, cookie },
    });
    expect(upload.status).toBe(413);
    expect(await upload.json()).toMatchObject({ error: { data: { code: 'PAYLOAD_TOO_LARGE' } } });
    const webhook = await fetch(`${customer.origin}/api/stripe/webhook`, {
      method: 'POST',
      body: huge,
      headers: { 'stripe-signature': 't=1,v1=00' },
    });
    expect(webhook.status).toBe(413);
    expect(await counts()).toEqual(before);
    expect(readdirSync(uploadDir)).toEqual([]);
  });

  it('refuses mutations posted from a foreign origin, JSON or multipart', async () => {
    const before = await counts();
    const json = await fetch(`${customer.origin}/api/trpc/checkout.create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body: JSON.stringify({
        items: [{ sku: 'wifi-mesh', quantity: 1 }],
        customer: { name: 'Mallory', email: 'mallory@example.com', phone: '312-555-0100' },
        serviceAddress: { line1: '1 Main St', city: 'Chicago', state: 'IL', postalCode: '60601' },
      }),
    });
    expect(json.status).toBe(403);
    const form = new FormData();
    form.set('sessionId', 'cs_test_attacker_session');
    form.set('file', new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], 'x.png', { type: 'image/png' }));
    const multipart = await fetch(`${customer.origin}/api/trpc/uploads.create`, {
      method: 'POST',
      body: form,
      headers: { origin: 'https://evil.example' },
    });
    expect(multipart.status).toBe(403);
    expect(await counts()).toEqual(before);
  });

  it('sets security headers on pages', async () => {
    const page = await fetch(`${customer.origin}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
  });
});
