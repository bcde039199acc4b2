/**
 * What both apps' browser tests arrange over plain HTTP: sign-ins, pros, and customer bookings that go
 * through the customer app's real checkout, webhook and scheduling, and a pro's whole visit.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { request, type APIRequestContext } from '@playwright/test';
import { E2E_ORIGINS } from './index';
import { solidPng } from './png';

export const PORTAL = E2E_ORIGINS.portal;
export const CUSTOMER = E2E_ORIGINS.customer;
/** The dev webhook secret from .env.example; the e2e servers run without STRIPE_WEBHOOK_SECRET. */
const WEBHOOK_SECRET = 'whsec_h2s_dev_only_not_a_real_secret_000000';

export const ADMIN = { email: 'admin@home2smart.dev', password: 'dispatch-admin-dev' };
export const MARCUS = { email: 'marcus@pros.home2smart.dev', password: 'pro-password-dev', name: 'Marcus Rivera' };

export const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;

async function trpc<T>(api: APIRequestContext, kind: 'query' | 'mutation', path: string, input?: unknown): Promise<T> {
  const response =
    kind === 'query'
      ? await api.get(`/api/trpc/${path}${input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`}`)
      : await api.post(`/api/trpc/${path}`, { data: input ?? null });
  const body = (await response.json()) as { result?: { data: T }; error?: { message: string } };
  if (!response.ok() || !body.result)
    throw new Error(`${path} failed (${response.status()}): ${body.error?.message ?? JSON.stringify(body)}`);
  return body.result.data;
}

export const query = <T>(api: APIRequestContext, path: string, input?: unknown) => trpc<T>(api, 'query', path, input);
export const mutate = <T>(api: APIRequestContext, path: string, input?: unknown) => trpc<T>(api, 'mutation', path, input);

/** An HTTP client of the portal signed in as this person (its cookie jar holds the session). */
export async function apiAs(who: { email: string; password: string }): Promise<APIRequestContext> {
  const api = await request.newContext({ baseURL: PORTAL });
  await mutate(api, 'auth.login', { email: who.email, password: who.password });
  return api;
}

export interface NewPro {
  proId: string;
  name: string;
  email: string;
  password: string;
}

/** A pro onboarded by the admin over HTTP (admin.createPro), by default in downtown Chicago. */
export async function createPro(options: { postalCode?: string; serviceRadiusMiles?: number } = {}): Promise<NewPro> {
  const admin = await apiAs(ADMIN);
  const tag = unique('pro');
  const pro = { name: `Pat ${tag.slice(-6).toUpperCase()}`, email: `${tag}@pros.home2smart.dev`, password: 'e2e-password-long-enough' };
  const { proId } = await mutate<{ proId: string }>(admin, 'admin.createPro', {
    ...pro,
    postalCode: options.postalCode ?? '60602',
    serviceRadiusMiles: options.serviceRadiusMiles ?? 40,
    skills: ['wall-mount', 'in-wall-wiring', 'smart-home', 'security-cameras', 'networking'],
  });
  await admin.dispose();
  return { proId, ...pro };
}

/** Today's date in a timezone, moved by some days: YYYY-MM-DD. */
export function localDatePlus(timeZone: string, days: number): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  const date = new Date(`${today}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** Stripe's signature scheme: HMAC-SHA256 over "timestamp.payload" with the webhook secret. */
function stripeSignature(payload: string, timestamp: number): string {
  const v1 = createHmac('sha256', WEBHOOK_SECRET).update(`${timestamp}.${payload}`).digest('hex');
  return `t=${timestamp},v1=${v1}`;
}

export interface Booking {
  jobId: string;
  sessionId: string;
  customerName: string;
  customerEmail: string;
  orderId: string;
}

const CHICAGO_ADDRESSES = [
  { line1: '2001 N Clark St', city: 'Chicago', state: 'IL', postalCode: '60614' },
  { line1: '1060 W Addison St', city: 'Chicago', state: 'IL', postalCode: '60613' },
  { line1: '1400 S Lake Shore Dr', city: 'Chicago', state: 'IL', postalCode: '60605' },
];

/**
 * A customer books through the customer app: checkout.create, a signed checkout.session.completed
 * to the Stripe webhook, then (unless `schedule` is null) schedule.confirm.
 */
export async function bookJob(
  options: {
    sku?: string;
    notes?: string;
    photos?: number;
    schedule?: { inDays: number; timeWindow: '9am - 12pm' | '12pm - 3pm' | '3pm - 6pm'; timezone?: string } | null;
    address?: { line1: string; city: string; state: string; postalCode: string };
  } = {},
): Promise<Booking> {
  const customer = await request.newContext({ baseURL: CUSTOMER });
  const sku = options.sku ?? 'tv-mount-standard';
  const { bundles } = await query<{ bundles: { sku: string; priceCents: number }[] }>(customer, 'catalog.list');
  const price = bundles.find((b) => b.sku === sku)?.priceCents;
  if (price === undefined) throw new Error(`no bundle ${sku}`);
  const tag = unique('cust');
  const customerName = `Casey ${tag.slice(-6).toUpperCase()}`;
  const address = options.address ?? CHICAGO_ADDRESSES[Math.floor(Math.random() * CHICAGO_ADDRESSES.length)]!;
  const { orderId, sessionId } = await mutate<{ orderId: string; sessionId: string }>(customer, 'checkout.create', {
    items: [{ sku, quantity: 1 }],
    customer: { name: customerName, email: `${tag}@example.com`, phone: '312-555-0100' },
    serviceAddress: address,
    ...(options.notes ? { notes: options.notes } : {}),
  });

  const created = Math.floor(Date.now() / 1000);
  const payload = JSON.stringify({
    id: `evt_e2e_${randomBytes(12).toString('hex')}`,
    object: 'event',
    type: 'checkout.session.completed',
    created,
    livemode: false,
    data: {
      object: {
        id: sessionId,
        object: 'checkout.session',
        payment_status: 'paid',
        amount_total: price,
        currency: 'usd',
        metadata: { order_id: orderId },
      },
    },
  });
  const paid = await customer.post('/api/stripe/webhook', {
    data: payload,
    headers: { 'content-type': 'application/json', 'stripe-signature': stripeSignature(payload, created) },
  });
  const outcome = (await paid.json()) as { jobId?: string; error?: string };
  if (!paid.ok() || !outcome.jobId) throw new Error(`payment failed: ${JSON.stringify(outcome)}`);

  const schedule = options.schedule === undefined ? { inDays: 3, timeWindow: '12pm - 3pm' as const } : options.schedule;
  if (schedule) {
    // The customer's own zone when they booked from elsewhere; the house is in Chicago.
    const timezone = schedule.timezone ?? 'America/Chicago';
    await mutate(customer, 'schedule.confirm', {
      sessionId,
      date: localDatePlus(timezone, schedule.inDays),
      timezone,
      timeWindow: schedule.timeWindow,
    });
  }
  if (options.photos) {
    // The success page's session: the customer may now add photos to their job.
    await mutate(customer, 'auth.checkoutSession', { sessionId });
    const colours: [number, number, number][] = [
      [15, 92, 77],
      [194, 124, 14],
      [30, 74, 143],
      [180, 35, 24],
    ];
    for (let i = 0; i < options.photos; i++) {
      const response = await customer.post('/api/trpc/uploads.create', {
        // A form post: SvelteKit's CSRF check wants it to come from the customer app's own origin.
        headers: { origin: CUSTOMER },
        multipart: {
          sessionId,
          file: { name: `wall-${i + 1}.png`, mimeType: 'image/png', buffer: solidPng(320 + i * 40, 240, colours[i % colours.length]!) },
        },
      });
      if (!response.ok()) throw new Error(`upload failed (${response.status()}): ${await response.text()}`);
    }
  }
  await customer.dispose();
  return { jobId: outcome.jobId, sessionId, customerName, customerEmail: `${tag}@example.com`, orderId };
}

/** The pro's whole visit over HTTP: depart, start, an after photo, complete (with notes for the customer). */
export async function finishVisit(pro: { email: string; password: string }, jobId: string, notes?: string): Promise<void> {
  const api = await apiAs(pro);
  await mutate(api, 'jobs.depart', { jobId });
  await mutate(api, 'jobs.start', { jobId });
  const upload = await api.post('/api/trpc/uploads.create', {
    // A form post: SvelteKit's CSRF check wants it from the portal's own origin.
    headers: { origin: PORTAL },
    multipart: { jobId, kind: 'after', file: { name: 'after.png', mimeType: 'image/png', buffer: solidPng(64, 64, [1, 2, 3]) } },
  });
  if (!upload.ok()) throw new Error(`after photo failed (${upload.status()}): ${await upload.text()}`);
  await mutate(api, 'jobs.complete', { jobId, ...(notes ? { notes } : {}) });
  await api.dispose();
}

/** The pro accepts the job over HTTP (jobs.accept); returns the API's answer. */
export async function acceptAs<T = unknown>(pro: { email: string; password: string }, jobId: string): Promise<T> {
  const api = await apiAs(pro);
  const accepted = await mutate<T>(api, 'jobs.accept', { jobId });
  await api.dispose();
  return accepted;
}

/** The booking's tracking page, the link every email carries (no sign-in needed). */
export async function trackingUrlOf(sessionId: string): Promise<string> {
  const customer = await request.newContext({ baseURL: CUSTOMER });
  const order = await query<{ trackingPath: string | null }>(customer, 'orders.bySession', { sessionId });
  await customer.dispose();
  if (!order.trackingPath) throw new Error('no tracking link');
  return `${CUSTOMER}${order.trackingPath}`;
}
