/**
 * The Stripe webhook on the built customer app's node:http hot path: a signed delivery pays the order
 * once however often it comes, a bad signature is refused, an oversized body is refused unread.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signTestEvent } from '../domain/payments';
import { createTestApi, sampleCheckout, type TestApi } from '../test/fixtures';
import { WEBHOOK_BODY_LIMIT } from './stripe-webhook';

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

const deliver = (body: string, signature: string) =>
  fetch(`${origin}/api/stripe/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
    body,
  });

describe('POST /api/stripe/webhook on the hot path', () => {
  it('pays the order once however often the event is delivered, and refuses a bad signature', async () => {
    const order = await (await api.caller(null)).checkout.create(sampleCheckout());
    const [row] = await api.t.sql<{ amount: number }[]>`select amount_total_cents as amount from orders where id = ${order.orderId}`;
    const { payload, signature } = signTestEvent(api.server.deps.payments, {
      type: 'checkout.session.completed',
      sessionId: order.sessionId,
      orderId: order.orderId,
      amountTotalCents: row!.amount,
      paymentStatus: 'paid',
    });
    const forged = await deliver(payload, signature.replace(/v1=\w{6}/, 'v1=000000'));
    expect(forged.status).toBe(400);
    expect(await forged.json()).toMatchObject({ received: false, outcome: 'refused' });

    const answers = await Promise.all([1, 2, 3].map(() => deliver(payload, signature)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(answers[0]!.headers.get('x-content-type-options')).toBe('nosniff');
    const [counts] = await api.t.sql<{ paid: number; jobs: number }[]>`
      select (select count(*)::int from orders where id = ${order.orderId} and payment_status = 'paid') as paid,
             (select count(*)::int from dispatch_jobs where order_id = ${order.orderId}) as jobs`;
    expect(counts).toEqual({ paid: 1, jobs: 1 });
  });

  it('refuses a body declared too large before reading it, and leaves other paths to the fallback', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${origin}/api/stripe/webhook`, {
        method: 'POST',
        headers: { 'content-length': String(WEBHOOK_BODY_LIMIT + 1) },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write('{');
    });
    expect(status).toBe(413);
    expect((await fetch(`${origin}/api/stripe/webhook?x=1`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await fetch(`${origin}/api/stripe/webhook`)).status).toBe(404);
  });
});
