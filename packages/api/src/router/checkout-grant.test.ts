/**
 * Issue 10, finding 1: a checkout session id proves only that its holder started that checkout.
 * The attack: knowing a customer's email, start a checkout with it, and use that checkout's session
 * id to read and change the customer's other orders. Everything here goes over HTTP, as a browser or
 * curl would, and checks every response body for anything of the victim's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signTestEvent, testPayments } from '../domain/payments';
import { tinyPng } from '../test/images';
import { createTestApi, sampleCheckout, TEST_WEBHOOK_SECRET, type TestApi } from '../test/fixtures';

let api: TestApi;
let victim: Awaited<ReturnType<TestApi['paidOrder']>>;
const VICTIM_EMAIL = 'marge.simpson@example.com';
const VICTIM_ADDRESS = '742 Evergreen Terrace';
const VICTIM_PHONE = '312-555-0199';
const ORIGIN = 'http://customer.test';
const payments = testPayments(TEST_WEBHOOK_SECRET, ORIGIN);

beforeAll(async () => {
  api = await createTestApi({ app: 'customer' });
  victim = await api.paidOrder(
    sampleCheckout({
      customer: { name: 'Marge Simpson', email: VICTIM_EMAIL, phone: VICTIM_PHONE },
      serviceAddress: { line1: VICTIM_ADDRESS, city: 'Chicago', state: 'IL', postalCode: '60601' },
      notes: 'Gate code 4471',
    }),
  );
  // The victim added a photo of their living room.
  const png = tinyPng([1, 2, 3]);
  const form = new FormData();
  form.set('sessionId', victim.sessionId);
  form.set('file', new File([png], 'living-room.png', { type: 'image/png' }));
  await (await api.caller(victim.customer)).uploads.create(form);
});
afterAll(async () => api?.close());

interface Reply {
  status: number;
  text: string;
  body: { result?: { data: unknown }; error?: { data: { code: string } } };
  setCookie: string[];
}

async function call(
  method: 'GET' | 'POST',
  path: string,
  input: unknown,
  cookie?: string,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const url = `${ORIGIN}/api/trpc/${path}${method === 'GET' && input !== undefined ? `?input=${encodeURIComponent(JSON.stringify(input))}` : ''}`;
  const response = await api.server.handlePlainTrpc(
    new Request(url, {
      method,
      body: method === 'POST' ? JSON.stringify(input ?? null) : undefined,
      headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}), ...headers },
    }),
  );
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as Reply['body'], setCookie: response.headers.getSetCookie() };
}

const cookieOf = (reply: Reply) => {
  const set = reply.setCookie.find((c) => c.startsWith('h2s_customer_session=') && !c.includes('Max-Age=0'));
  return set ? set.split(';')[0]! : undefined;
};

async function pay(orderId: string, sessionId: string, amountTotalCents: number) {
  const { payload, signature } = signTestEvent(payments, {
    type: 'checkout.session.completed',
    sessionId,
    orderId,
    amountTotalCents,
    paymentStatus: 'paid',
  });
  const response = await api.server.handleWebhook(
    new Request(`${ORIGIN}/api/stripe/webhook`, { method: 'POST', body: payload, headers: { 'stripe-signature': signature } }),
  );
  expect(response.status).toBe(200);
}

/** Nothing that identifies the victim's order may appear in what the attacker gets back. */
function expectNothingOfTheVictim(reply: Reply) {
  for (const secret of [
    VICTIM_ADDRESS,
    'Marge',
    'Gate code',
    VICTIM_PHONE,
    victim.orderId,
    victim.jobId,
    victim.sessionId,
    'living-room',
  ]) {
    expect(reply.text, `response leaks "${secret}"`).not.toContain(secret);
  }
}

describe.each([
  ['the same email', VICTIM_EMAIL],
  ['the email in other case', 'MARGE.Simpson@EXAMPLE.com'],
  ['the email with surrounding spaces', `  ${VICTIM_EMAIL}  `],
])("an attacker who knows the victim's email and starts a checkout with %s", (_label, email) => {
  let attacker: { orderId: string; sessionId: string; amount: number };

  beforeAll(async () => {
    const created = await call('POST', 'checkout.create', {
      ...sampleCheckout({
        customer: { name: 'Mallory Attacker', email, phone: '773-555-0100' },
        serviceAddress: { line1: '1 Attacker Way', city: 'Chicago', state: 'IL', postalCode: '60601' },
      }),
    });
    expect(created.status).toBe(200);
    expectNothingOfTheVictim(created);
    const data = created.body.result!.data as { orderId: string; sessionId: string };
    const [row] = await api.t.sql<{ amount: number }[]>`select amount_total_cents as amount from orders where id = ${data.orderId}`;
    attacker = { ...data, amount: row!.amount };
  });

  it('gets nothing from an unpaid checkout: no session, no order', async () => {
    const grant = await call('POST', 'auth.checkoutSession', { sessionId: attacker.sessionId });
    expect(grant.status).toBe(403);
    expect(cookieOf(grant)).toBeUndefined();
    expectNothingOfTheVictim(grant);
  });

  it("after paying for their own order, reaches that order only: never the account, the victim's job, photos or schedule", async () => {
    await pay(attacker.orderId, attacker.sessionId, attacker.amount);
    const grant = await call('POST', 'auth.checkoutSession', { sessionId: attacker.sessionId });
    expect(grant.status).toBe(200);
    expectNothingOfTheVictim(grant);
    const cookie = cookieOf(grant);
    expect(cookie).toBeDefined();

    const orders = await call('GET', 'account.orders', undefined, cookie);
    expect(orders.status).toBe(403);
    expect(orders.text).toContain('Sign in with the emailed link to see all your orders.');
    expectNothingOfTheVictim(orders);

    const photos = await call('GET', 'uploads.list', { jobId: victim.jobId }, cookie);
    expect(photos.status).toBe(404);
    expectNothingOfTheVictim(photos);

    const job = await call('GET', 'jobs.get', { jobId: victim.jobId }, cookie);
    expect(job.status).toBe(404);
    expectNothingOfTheVictim(job);

    const moved = await call(
      'POST',
      'schedule.reschedule',
      { sessionId: victim.sessionId, date: '2026-01-20', timezone: 'America/Chicago', timeWindow: '9am - 12pm' },
      cookie,
    );
    expect(moved.status).toBe(404);
    expect(moved.body.error?.data.code).toBe('NOT_FOUND');
    expect((await api.t.sql`select schedule_date from orders where id = ${victim.orderId}`)[0]!.schedule_date).toBeNull();

    // Who the attacker is signed in as: the name they typed, not the account holder's.
    const me = await call('GET', 'auth.me', undefined, cookie);
    expect(me.body.result!.data).toMatchObject({ user: { role: 'customer', name: 'Mallory Attacker' } });
    expectNothingOfTheVictim(me);

    // Their own order works: the grant is real, just narrow.
    const own = await call('GET', 'orders.bySession', { sessionId: attacker.sessionId }, cookie);
    expect(own.status).toBe(200);
    expectNothingOfTheVictim(own);
  });

  it("cannot cancel (and so refund) the victim's order, nor its own without the emailed link", async () => {
    const grant = await call('POST', 'auth.checkoutSession', { sessionId: attacker.sessionId });
    const cookie = cookieOf(grant);
    expect(cookie).toBeDefined();

    const theirs = await call('POST', 'orders.cancel', { orderId: victim.orderId }, cookie);
    expect(theirs.status).toBe(404);
    expectNothingOfTheVictim(theirs);
    const [victimOrder] = await api.t.sql<{ cancelled: boolean; refunds: number }[]>`
      select cancelled_at is not null as cancelled, (select count(*)::int from refunds where order_id = ${victim.orderId}) as refunds
        from orders where id = ${victim.orderId}`;
    expect(victimOrder).toEqual({ cancelled: false, refunds: 0 });

    const own = await call('POST', 'orders.cancel', { orderId: attacker.orderId }, cookie);
    expect(own.status).toBe(403);
    expect(own.text).toContain('sign in to your account with the link we email you');
  });
});

describe('the checkout grant', () => {
  it('is minted only by a same-site POST: a GET or a foreign page cannot sign a visitor in (login CSRF)', async () => {
    const order = await api.paidOrder();
    const viaGet = await call('GET', 'auth.checkoutSession', { sessionId: order.sessionId });
    expect(viaGet.status).toBeGreaterThanOrEqual(400);
    expect(cookieOf(viaGet)).toBeUndefined();
    const crossSite = await call('POST', 'auth.checkoutSession', { sessionId: order.sessionId }, undefined, {
      origin: 'https://evil.example',
    });
    expect(crossSite.status).toBe(403);
    expect(cookieOf(crossSite)).toBeUndefined();
  });

  it('ends 24 hours after payment; the emailed link still opens the whole account', async () => {
    const paidAt = api.clock.now();
    const order = await api.paidOrder();
    const grant = await call('POST', 'auth.checkoutSession', { sessionId: order.sessionId });
    const cookie = cookieOf(grant)!;
    expect((grant.body.result!.data as { expiresAt: string }).expiresAt).toBe(new Date(paidAt.getTime() + 24 * 3600 * 1000).toISOString());
    expect((await call('GET', 'jobs.get', { jobId: order.jobId }, cookie)).status).toBe(200);

    try {
      api.clock.set(new Date(paidAt.getTime() + 24 * 3600 * 1000 + 1000));
      expect((await call('GET', 'jobs.get', { jobId: order.jobId }, cookie)).status).toBe(401);
      const again = await call('POST', 'auth.checkoutSession', { sessionId: order.sessionId });
      expect(again.status).toBe(403);
      expect(again.text).toContain('expired');

      await call('POST', 'account.requestLink', { email: order.customer.email });
      const [mail] = await api.t.sql<
        { body: string }[]
      >`select body from outbound_emails where to_address = ${order.customer.email} order by id desc limit 1`;
      const token = /\/account\/signin\/([\w-]+)/.exec(mail!.body)![1]!;
      const redeemed = await call('POST', 'account.redeemLink', { token });
      const account = await call('GET', 'account.orders', undefined, cookieOf(redeemed));
      expect(account.status).toBe(200);
      expect((account.body.result!.data as { orders: { orderId: string }[] }).orders.map((o) => o.orderId)).toContain(order.orderId);
    } finally {
      api.clock.set(paidAt);
    }
  });
});
