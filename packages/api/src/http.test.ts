/** The same router over HTTP, as the apps serve it: plain JSON, cookies, CSRF, webhooks, live events. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signTestEvent, testPayments } from './domain/payments';
import { createAppServer } from './server';
import { createTestApi, sampleCheckout, TEST_WEBHOOK_SECRET, type TestApi } from './test/fixtures';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi({ app: 'portal' });
});
afterAll(async () => api?.close());

const BASE = 'http://portal.test';
const get = (path: string, input?: unknown, headers: Record<string, string> = {}) =>
  api.server.handlePlainTrpc(
    new Request(`${BASE}/api/trpc/${path}${input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`}`, { headers }),
  );
const post = (path: string, input: unknown, headers: Record<string, string> = {}) =>
  api.server.handlePlainTrpc(
    new Request(`${BASE}/api/trpc/${path}`, {
      method: 'POST',
      body: JSON.stringify(input),
      headers: { 'content-type': 'application/json', ...headers },
    }),
  );

describe('tRPC over HTTP', () => {
  it('serves a query as GET with ?input= and returns plain JSON', async () => {
    const response = await get('catalog.list');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { result: { data: { bundles: { sku: string; priceCents: number }[] } } };
    expect(body.result.data.bundles.map((b) => b.sku)).toContain('tv-mount-standard');
  });

  it('serves a mutation as POST with a JSON body; bad input is a 400 naming the field', async () => {
    const ok = await post('checkout.create', sampleCheckout());
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { result: { data: { orderId: string } } }).result.data.orderId).toMatch(/^ORD-/);
    const bad = await post('checkout.create', sampleCheckout({ customer: { name: 'A', email: 'nope', phone: '312-555-0142' } }));
    expect(bad.status).toBe(400);
    const error = ((await bad.json()) as { error: { data: { code: string; fieldErrors: Record<string, string> } } }).error;
    expect(error.data.code).toBe('BAD_REQUEST');
    expect(error.data.fieldErrors['customer.email']).toBe('Enter a valid email address');
  });

  it('signs in with an HttpOnly, SameSite=Lax cookie that then authorizes requests', async () => {
    const pro = await api.pro();
    const login = await post('auth.login', { email: pro.email, password: 'correct horse battery' });
    expect(login.status).toBe(200);
    const cookie = login.headers.getSetCookie().find((c) => c.startsWith('h2s_portal_session='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const session = cookie.split(';')[0]!;
    expect((await get('offers.list', undefined, { cookie: session })).status).toBe(200);
    expect((await get('offers.list')).status).toBe(401);
    expect((await get('admin.board', {}, { cookie: session })).status).toBe(403);
  });

  it('refuses a mutation from a foreign Origin (CSRF) and changes nothing', async () => {
    const pro = await api.pro();
    const order = await api.paidOrder();
    const response = await post(
      'jobs.accept',
      { jobId: order.jobId },
      { cookie: `h2s_portal_session=${pro.token}`, origin: 'https://evil.example' },
    );
    expect(response.status).toBe(403);
    const [job] = await api.t.sql`select assigned_pro_id from dispatch_jobs where id = ${order.jobId}`;
    expect(job!.assigned_pro_id).toBeNull();
    const same = await post('jobs.accept', { jobId: order.jobId }, { cookie: `h2s_portal_session=${pro.token}`, origin: BASE });
    expect(same.status).toBe(200);
  });

  it("a pro's cookie is worthless against another role's procedures, and a forged cookie is nobody", async () => {
    const pro = await api.pro();
    expect(
      (
        await post(
          'admin.createPro',
          { name: 'X', email: 'x@pros.test', password: 'long enough password', postalCode: '60601', serviceRadiusMiles: 5 },
          { cookie: `h2s_portal_session=${pro.token}` },
        )
      ).status,
    ).toBe(403);
    expect((await get('jobs.mine', undefined, { cookie: 'h2s_portal_session=forged-token' })).status).toBe(401);
  });
});

describe('the webhook route', () => {
  const payments = testPayments(TEST_WEBHOOK_SECRET);
  const webhook = (body: string, headers: Record<string, string>) =>
    api.server.handleWebhook(new Request(`${BASE}/api/stripe/webhook`, { method: 'POST', body, headers }));

  it('pays an order from a signed event, and refuses a forged one with 400', async () => {
    const order = await (await api.caller(null)).checkout.create(sampleCheckout());
    const [row] = await api.t.sql`select amount_total_cents from orders where id = ${order.orderId}`;
    const event = signTestEvent(payments, {
      type: 'checkout.session.completed',
      sessionId: order.sessionId,
      orderId: order.orderId,
      amountTotalCents: row!.amount_total_cents,
      paymentStatus: 'paid',
    });
    expect(
      (await webhook(event.payload, { 'stripe-signature': event.signature.replace(/v1=[0-9a-f]+/, `v1=${'0'.repeat(64)}`) })).status,
    ).toBe(400);
    expect((await webhook(event.payload, {})).status).toBe(400);
    const ok = await webhook(event.payload, { 'stripe-signature': event.signature });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ received: true, outcome: 'paid' });
  });

  it('refuses an oversized body before reading it', async () => {
    const response = await webhook('x'.repeat(2 * 1024 * 1024), { 'stripe-signature': 't=1,v1=00' });
    expect(response.status).toBe(413);
  });
});

describe('cookies in production over HTTPS', () => {
  it('are Secure and named __Host- (no subdomain can set them)', async () => {
    const production = createAppServer({
      app: 'portal',
      handle: api.t,
      clock: api.clock,
      payments: testPayments(TEST_WEBHOOK_SECRET),
      env: {
        NODE_ENV: 'production',
        DATABASE_URL: 'postgres://unused',
        PAYMENTS_MODE: 'test',
        STRIPE_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
        URL_SIGNING_SECRET: 'p'.repeat(40),
        ORIGIN: 'https://dispatch.example.com',
        CUSTOMER_ORIGIN: 'https://shop.example.com',
      },
    });
    try {
      expect(production.sessionCookie).toBe('__Host-h2s_portal_session');
      const pro = await api.pro();
      const [row] = await api.t.sql<{ email: string }[]>`select email from users where id = ${pro.userId}`;
      const response = await production.handlePlainTrpc(
        new Request('https://dispatch.example.com/api/trpc/auth.login', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: row!.email, password: 'correct horse battery' }),
        }),
      );
      expect(response.status).toBe(200);
      const cookie = response.headers.getSetCookie().find((c) => c.startsWith('__Host-h2s_portal_session='));
      expect(cookie).toMatch(/; Path=\/; HttpOnly; SameSite=Lax; Secure$/);
    } finally {
      await production.deps.live.close();
    }
  });
});

describe('request size', () => {
  it('answers a body over the limit with a tRPC-shaped 413, whether its length is declared or not', async () => {
    const chunk = new Uint8Array(1024 * 1024);
    const chunked = () =>
      new ReadableStream<Uint8Array>({
        pull(controller) {
          controller.enqueue(chunk);
        },
      });
    const response = await api.server.handlePlainTrpc(
      new Request(`${BASE}/api/trpc/uploads.create`, {
        method: 'POST',
        body: chunked(),
        duplex: 'half',
        headers: { 'content-type': 'multipart/form-data; boundary=x' },
      } as RequestInit),
    );
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { data: { code: 'PAYLOAD_TOO_LARGE', httpStatus: 413 } } });
    const declared = await api.server.handlePlainTrpc(
      new Request(`${BASE}/api/trpc/uploads.create`, {
        method: 'POST',
        body: 'x',
        headers: { 'content-length': String(11 * 1024 * 1024) },
      }),
    );
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({
      error: { message: 'Request too large: photos can be at most 10 MB', data: { code: 'PAYLOAD_TOO_LARGE' } },
    });
  });
});

describe('live job changes', () => {
  it('streams a change to an open portal (server-sent events) when a customer schedules', async () => {
    const pro = await api.pro();
    const order = await api.paidOrder();
    const controller = new AbortController();
    const response = await api.server.handlePlainTrpc(
      new Request(`${BASE}/api/trpc/live.jobChanges`, {
        headers: { cookie: `h2s_portal_session=${pro.token}`, accept: 'text/event-stream' },
        signal: controller.signal,
      }),
    );
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let seen = '';
    const arrived = (async () => {
      while (!seen.includes(order.jobId)) {
        const { value, done } = await reader.read();
        if (done) break;
        seen += decoder.decode(value);
      }
      return seen;
    })();
    // The subscription starts listening as the stream opens; give it a moment to LISTEN.
    await new Promise((r) => setTimeout(r, 300));
    await (
      await api.caller(null)
    ).schedule.confirm({ sessionId: order.sessionId, date: '2026-01-15', timezone: 'America/Chicago', timeWindow: '9am - 12pm' });
    const text = await Promise.race([arrived, new Promise<string>((r) => setTimeout(() => r(seen), 5000))]);
    controller.abort();
    await reader.cancel().catch(() => {});
    expect(text).toContain(order.jobId);
    expect(text).toContain('"type":"scheduled"');
  });

  it("signing out ends that session's open stream; another session's stream stays open", async () => {
    const pro = await api.pro();
    const other = await api.pro();
    const open = (token: string) =>
      api.server.handlePlainTrpc(
        new Request(`${BASE}/api/trpc/live.jobChanges`, {
          headers: { cookie: `h2s_portal_session=${token}`, accept: 'text/event-stream' },
        }),
      );
    const mine = await open(pro.token);
    const theirs = await open(other.token);
    const drain = async (response: Response) => {
      const reader = response.body!.getReader();
      for (;;) if ((await reader.read()).done) return 'ended';
    };
    const mineEnded = drain(mine);
    const theirsReader = theirs.body!.getReader();
    await theirsReader.read(); // the stream is open (its first event)

    const out = await post('auth.logout', null, { cookie: `h2s_portal_session=${pro.token}` });
    expect(out.status).toBe(200);
    // The stream ends by itself; a stream that stayed open would hang this test until it times out.
    expect(await mineEnded).toBe('ended');

    const stillOpen = await Promise.race([theirsReader.read().then(() => 'event'), Promise.resolve('open')]);
    expect(stillOpen).toBe('open');
    await theirsReader.cancel();
  });
});
