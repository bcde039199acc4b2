/**
 * The built apps in production (issue 10, findings 2 and 3): they refuse to start without the
 * settings production needs, binding no port, and started right they take a 10 MB photo with no
 * BODY_SIZE_LIMIT set, send a CSP with nonces, and say when payments are in test mode.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeJpeg } from '../../../bench/lib/jpeg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCatalog } from '@h2s/api/seed';
import { createTestDatabase, freePort, type TestDatabase } from '@h2s/db/testing';
import { paidOrder, startApp, type RunningApp } from './apps';

const root = new URL('../../../', import.meta.url).pathname;
const WEBHOOK_SECRET = 'whsec_system_test_not_the_dev_secret';

const productionEnv = (port: number): Record<string, string> => ({
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://nobody@127.0.0.1:1/unused',
  STRIPE_SECRET_KEY: 'sk_test_system_test_key',
  STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
  URL_SIGNING_SECRET: 'u'.repeat(48),
  ORIGIN: `http://127.0.0.1:${port}`,
  CUSTOMER_ORIGIN: `http://127.0.0.1:${port}`,
  PORT: String(port),
  HOST: '127.0.0.1',
});

/** Runs a built app until it exits; its exit code and everything it printed. */
function runUntilExit(
  app: 'customer' | 'portal',
  env: Record<string, string | undefined>,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const clean = { ...process.env, BODY_SIZE_LIMIT: undefined, ...env };
    const child = spawn('node', [join(root, 'apps', app, 'build')], { env: clean as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, output }));
  });
}

const portIsClosed = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });

describe.each(['customer', 'portal'] as const)('the built %s app in production', (app) => {
  it.each([
    ['STRIPE_WEBHOOK_SECRET', { STRIPE_WEBHOOK_SECRET: undefined }],
    ['URL_SIGNING_SECRET', { URL_SIGNING_SECRET: undefined }],
    ['STRIPE_SECRET_KEY', { STRIPE_SECRET_KEY: undefined }],
    ['DATABASE_URL', { DATABASE_URL: undefined }],
    ['ORIGIN', { ORIGIN: 'http://shop.example.com' }],
    ['CUSTOMER_ORIGIN', { CUSTOMER_ORIGIN: 'http://shop.example.com' }],
    ['STRIPE_WEBHOOK_SECRET', { STRIPE_WEBHOOK_SECRET: 'whsec_h2s_dev_only_not_a_real_secret_000000' }],
  ])('refuses to start when %s is missing or unsafe, naming it and binding no port', async (variable, change) => {
    const port = await freePort();
    const { code, output } = await runUntilExit(app, { ...productionEnv(port), ...change });
    expect(code).not.toBe(0);
    expect(output).toContain(`${variable}:`);
    expect(output).toContain('refuses to start in production');
    expect(await portIsClosed(port)).toBe(true);
  });
});

describe('the built customer app started right in production', () => {
  let database: TestDatabase;
  let uploadDir: string;
  let customer: RunningApp;

  beforeAll(async () => {
    database = await createTestDatabase({ max: 2 });
    await seedCatalog(database.db);
    uploadDir = mkdtempSync(join(tmpdir(), 'h2s-production-uploads-'));
    const port = await freePort();
    const env = {
      ...productionEnv(port),
      DATABASE_URL: database.url,
      UPLOAD_DIR: uploadDir,
      DATABASE_POOL_MAX: '4',
      STRIPE_SECRET_KEY: '',
      PAYMENTS_MODE: 'test',
    };
    customer = await startApp('customer', env, port);
  });

  afterAll(async () => {
    await customer?.stop();
    await database?.drop();
    if (uploadDir) rmSync(uploadDir, { recursive: true, force: true });
  });

  it('says on every page that payments are in test mode, and sends a CSP whose nonce its scripts carry', async () => {
    for (const path of ['/', '/cart', '/account']) {
      const page = await fetch(`${customer.origin}${path}`);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('Test mode: no real payments');
      const csp = page.headers.get('content-security-policy') ?? '';
      const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(nonce).toBeDefined();
      // Every inline script (SvelteKit's hydration bootstrap) carries this response's nonce.
      const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)];
      expect(inline.length).toBeGreaterThan(0);
      for (const [, attrs] of inline) expect(attrs).toContain(`nonce="${nonce}"`);
    }
  });

  it('behind HTTPS, tells browsers to use nothing else (HSTS)', async () => {
    const port = await freePort();
    const portal = await startApp(
      'portal',
      {
        ...productionEnv(port),
        DATABASE_URL: database.url,
        STRIPE_SECRET_KEY: '',
        PAYMENTS_MODE: 'test',
        ORIGIN: 'https://dispatch.example.com',
        CUSTOMER_ORIGIN: 'https://shop.example.com',
      },
      port,
    );
    try {
      const page = await fetch(`http://127.0.0.1:${port}/login`);
      expect(page.status).toBe(200);
      expect(page.headers.get('strict-transport-security')).toBe('max-age=63072000; includeSubDomains');
      // Plain HTTP on this machine gets no HSTS (it would lock localhost to HTTPS).
      expect((await fetch(`${customer.origin}/`)).headers.get('strict-transport-security')).toBeNull();
    } finally {
      await portal.stop();
    }
  });

  it('takes a 10 MB photo with no BODY_SIZE_LIMIT set; a larger body is a tRPC-shaped 413', async () => {
    const order = await paidOrder(database.db, WEBHOOK_SECRET, customer.origin);
    const grant = await fetch(`${customer.origin}/api/trpc/auth.checkoutSession`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: customer.origin },
      body: JSON.stringify({ sessionId: order.sessionId }),
    });
    expect(grant.status).toBe(200);
    const cookie = grant.headers.getSetCookie()[0]!.split(';')[0]!;

    const upload = (bytes: number) => {
      // A real JPEG (it must decode), padded to the size with random comment segments.
      const photo = makeJpeg(bytes);
      const form = new FormData();
      form.set('sessionId', order.sessionId);
      form.set('file', new File([photo], 'phone-photo.jpg', { type: 'image/jpeg' }));
      return fetch(`${customer.origin}/api/trpc/uploads.create`, {
        method: 'POST',
        body: form,
        headers: { origin: customer.origin, cookie },
      });
    };
    const tenMegabytes = await upload(10 * 1024 * 1024);
    expect(tenMegabytes.status).toBe(200);
    expect(await tenMegabytes.json()).toMatchObject({ result: { data: { upload: { fileSize: 10 * 1024 * 1024 } } } });

    for (const bytes of [10 * 1024 * 1024 + 1, 20 * 1024 * 1024]) {
      const refused = await upload(bytes);
      expect(refused.status).toBe(413);
      expect(await refused.json()).toMatchObject({ error: { data: { code: 'PAYLOAD_TOO_LARGE', httpStatus: 413 } } });
    }
  });
});
