/**
 * Issue 20, item 6 over HTTP (the customer app's node server): a session paid in another currency
 * with the same number, or an event signed in the future, pays nothing; an upload that starts like a
 * JPEG but does not decode is a 400 and stores nothing.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEBHOOK_TOLERANCE_SECONDS } from '../domain/payments';
import { createTestApi, sampleCheckout, TEST_WEBHOOK_SECRET, type TestApi } from '../test/fixtures';
import { tinyJpeg } from '../test/images';

let api: TestApi;
let server: Server;
let origin: string;

beforeAll(async () => {
  api = await createTestApi({ app: 'customer' });
  server = createServer((req, res) => {
    if (api.server.handleNode(req, res)) return;
    res.writeHead(404).end('fallback');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server?.close();
  await api?.close();
});

/** A checkout.session.completed for the order, signed at `signedAt` (unix seconds), in `currency`. */
function event(order: { orderId: string; sessionId: string; amount: number }, currency: string, signedAt: number) {
  const payload = JSON.stringify({
    id: `evt_${randomBytes(8).toString('hex')}`,
    object: 'event',
    type: 'checkout.session.completed',
    created: signedAt,
    data: {
      object: {
        id: order.sessionId,
        object: 'checkout.session',
        payment_status: 'paid',
        amount_total: order.amount,
        currency,
        metadata: { order_id: order.orderId },
      },
    },
  });
  const signature = api.server.deps.payments.stripe.webhooks.generateTestHeaderString({
    payload,
    secret: TEST_WEBHOOK_SECRET,
    timestamp: signedAt,
  });
  return fetch(`${origin}/api/stripe/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
    body: payload,
  });
}

async function unpaidOrder() {
  const order = await (await api.caller(null)).checkout.create(sampleCheckout());
  const [row] = await api.t.sql<{ amount: number }[]>`select amount_total_cents as amount from orders where id = ${order.orderId}`;
  return { orderId: order.orderId, sessionId: order.sessionId, amount: row!.amount };
}
const statusOf = async (orderId: string) =>
  (await api.t.sql`select payment_status from orders where id = ${orderId}`)[0]!.payment_status as string;

describe('the Stripe webhook', () => {
  it('refuses a session paid in another currency, then pays on the right one', async () => {
    const order = await unpaidOrder();
    const now = Math.floor(Date.now() / 1000);
    const eur = await event(order, 'eur', now);
    expect(eur.status).toBe(400);
    expect(await statusOf(order.orderId)).not.toBe('paid');
    expect((await event(order, 'usd', now)).status).toBe(200);
    expect(await statusOf(order.orderId)).toBe('paid');
  });

  it('refuses an event signed in the future beyond the tolerance', async () => {
    const order = await unpaidOrder();
    const future = await event(order, 'usd', Math.floor(Date.now() / 1000) + WEBHOOK_TOLERANCE_SECONDS + 600);
    expect(future.status).toBe(400);
    expect(await statusOf(order.orderId)).not.toBe('paid');
  });
});

describe('uploads.create', () => {
  it('refuses with 400 a file that starts like a JPEG but does not decode, storing nothing; a real one is stored', async () => {
    const { sessionId } = await api.paidOrder();
    const grant = await fetch(`${origin}/api/trpc/auth.checkoutSession`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sessionId }),
    });
    const cookie = grant.headers.getSetCookie()[0]!.split(';')[0]!;
    const upload = (bytes: Uint8Array<ArrayBuffer>) => {
      const form = new FormData();
      form.set('sessionId', sessionId);
      form.set('file', new File([bytes], 'photo.jpg', { type: 'image/jpeg' }));
      return fetch(`${origin}/api/trpc/uploads.create`, { method: 'POST', body: form, headers: { cookie } });
    };
    const fake = new Uint8Array(64 * 1024);
    fake.set(randomBytes(fake.length));
    fake.set([0xff, 0xd8, 0xff, 0xe0]);
    const refused = await upload(fake);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({
      error: { data: { code: 'BAD_REQUEST', fieldErrors: { file: expect.stringMatching(/cannot be opened/) } } },
    });
    expect((await api.t.sql`select count(*)::int as n from customer_uploads`)[0]!.n).toBe(0);
    expect((await upload(tinyJpeg('real'))).status).toBe(200);
  });
});
