/**
 * Issue 13: the hot requests' round trips to the database (a count, so no timing and no noise), and
 * the rules the fewer, bigger statements must still keep when requests race.
 */
import postgres from 'postgres';
import { drizzle } from 'drizzle-orm/postgres-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema, type Database } from '@h2s/db';
import { auditIntegrity } from '../integrity';
import { createTestApi, sampleCheckout, TEST_WEBHOOK_SECRET, type TestApi } from '../test/fixtures';
import { applyStripeEvent } from './checkout';
import { acceptJob } from './job-commands';
import { listOffersPage } from './dayplan/offers';
import { signTestEvent, testPayments } from './payments';
import { scheduleOrder, windowStartUtc } from './schedule';

let api: TestApi;
/** The same database through one connection that records every statement it sends (BEGIN and COMMIT too). */
let counted: Database;
/** And through a pool, for requests that race. */
let db: Database;
const clients: postgres.Sql[] = [];
const sent: string[] = [];
const payments = testPayments(TEST_WEBHOOK_SECRET, 'http://customer.test');

beforeAll(async () => {
  // 10am in Chicago.
  api = await createTestApi({ now: '2026-01-09T16:00:00.000Z' });
  clients.push(postgres(api.t.url, { max: 1, onnotice: () => {}, debug: (_connection, query) => void sent.push(query) }));
  clients.push(postgres(api.t.url, { max: 4, onnotice: () => {} }));
  counted = drizzle(clients[0]!, { schema });
  db = drizzle(clients[1]!, { schema });
  // A connection's first run of a prepared statement also asks the server for its parameter types:
  // run each path once, so the counts below are those of every later request.
  const order = await unpaidOrder();
  const paid = await payVia(counted, order.event());
  const slot = { date: '2026-01-15', timezone: 'America/Chicago', timeWindow: '12pm - 3pm' } as const;
  await scheduleOrder(counted, { sessionId: order.sessionId }, slot, { userId: null, role: 'customer' }, now());
  const [pro, other] = [await api.pro(), await api.pro()];
  await acceptJob(counted, (paid as { jobId: string }).jobId, pro.userId, now());
  await acceptJob(counted, (paid as { jobId: string }).jobId, other.userId, now()).catch(() => null);
  await listOffersPage(counted, other.userId, now());
});
afterAll(async () => {
  for (const client of clients) await client.end();
  await api?.close();
});

async function roundTrips<T>(run: () => Promise<T>): Promise<{ trips: number; value: T }> {
  sent.length = 0;
  const value = await run();
  return { trips: sent.length, value };
}

const now = () => api.clock.now();
const at = (city: string, state: string, postalCode: string, line1: string) =>
  sampleCheckout({ serviceAddress: { line1, city, state, postalCode } });

/** A checkout, not yet paid: its signed completion event. */
async function unpaidOrder() {
  const order = await (await api.caller(null)).checkout.create(sampleCheckout());
  const event = (eventId?: string) =>
    signTestEvent(payments, {
      type: 'checkout.session.completed',
      sessionId: order.sessionId,
      orderId: order.orderId,
      amountTotalCents: order.amountTotalCents,
      paymentStatus: 'paid',
      ...(eventId ? { eventId } : {}),
    });
  return { ...order, event };
}

const payVia = (database: Database, signed: { payload: string; signature: string }) =>
  applyStripeEvent({ db: database, payments }, signed.payload, signed.signature, now());
const pay = (signed: { payload: string; signature: string }) => payVia(db, signed);

describe('round trips per request', () => {
  it("offers.list: four (the pro, then the candidates with the pro's days beside them, then the items and photo counts of the offers shown), for one offer or many", async () => {
    const pro = await api.pro({ postalCode: '60601', serviceRadiusMiles: 25 });
    await api.paidOrder(at('Chicago', 'IL', '60614', '2400 N Clark St'));
    const few = await roundTrips(() => listOffersPage(counted, pro.userId, now()));
    for (let i = 0; i < 4; i++) await api.paidOrder(at('Chicago', 'IL', '60615', '5300 S Lake Park Ave'));
    const more = await roundTrips(() => listOffersPage(counted, pro.userId, now()));
    expect(more.value.offers.length).toBeGreaterThan(few.value.offers.length);
    expect([few.trips, more.trips]).toEqual([4, 4]);
    // The app's procedure returns the same offers, with instants as the contract's ISO strings.
    expect((await (await api.caller(pro)).offers.list()).offers).toEqual(more.value.offers);
    const scheduled = await api.paidOrder(at('Chicago', 'IL', '60614', '2400 N Clark St'));
    await scheduleOrder(
      db,
      { sessionId: scheduled.sessionId },
      { date: '2026-01-15', timezone: 'America/Chicago', timeWindow: '12pm - 3pm' },
      { userId: null, role: 'customer' },
      now(),
    );
    const offer = (await listOffersPage(db, pro.userId, now())).offers.find((o) => o.jobId === scheduled.jobId);
    expect(offer).toMatchObject({
      status: 'scheduled',
      dueAt: '2026-01-15T18:00:00.000Z',
      createdAt: '2026-01-09T16:00:00.000Z',
      scheduleDate: '2026-01-15',
    });
  });

  it('jobs.accept: a few, won or refused, and the refusal still says why', async () => {
    // Placing the visit in the pro's day costs round trips: the job read before the transaction (its
    // day's drive matrix when scheduled), then BEGIN, the pro's day lock, the one deciding statement,
    // the job again (no visit for an unscheduled job) and COMMIT; a refusal ends at the statement.
    const { jobId } = await api.paidOrder();
    const [first, second] = [await api.pro(), await api.pro()];
    const far = await api.pro({ postalCode: '78701', serviceRadiusMiles: 10 });
    const won = await roundTrips(() => acceptJob(counted, jobId, first.userId, now()));
    expect(won).toMatchObject({ trips: 6, value: { jobId, proId: first.userId, state: 'accepted' } });
    expect(await roundTrips(() => acceptJob(counted, jobId, first.userId, now()))).toMatchObject({ trips: 5, value: won.value });
    const refused = await roundTrips(() => acceptJob(counted, jobId, second.userId, now()).catch((error: unknown) => error));
    expect(refused).toMatchObject({ trips: 5, value: { code: 'CONFLICT', message: 'Job no longer available' } });
    const outside = await roundTrips(() => acceptJob(counted, jobId, far.userId, now()).catch((error: unknown) => error));
    expect(outside).toMatchObject({ trips: 5, value: { code: 'FORBIDDEN', message: 'This job is outside your service area.' } });
  });

  it('schedule.confirm and a reschedule: two each; the same slot again: one', async () => {
    const { sessionId, jobId, customer } = await api.paidOrder();
    const slot = { date: '2026-01-15', timezone: 'America/Chicago', timeWindow: '12pm - 3pm' } as const;
    const confirm = await roundTrips(() => scheduleOrder(counted, { sessionId }, slot, { userId: null, role: 'customer' }, now()));
    expect(confirm).toMatchObject({ trips: 2, value: { jobId, status: 'scheduled', dueAt: '2026-01-15T18:00:00.000Z' } });
    expect((await roundTrips(() => scheduleOrder(counted, { sessionId }, slot, { userId: null, role: 'customer' }, now()))).trips).toBe(1);
    const moved = await roundTrips(() =>
      scheduleOrder(counted, { sessionId }, { ...slot, date: '2026-01-16' }, { userId: customer.userId, role: 'customer' }, now()),
    );
    expect(moved).toMatchObject({ trips: 2, value: { dueAt: '2026-01-16T18:00:00.000Z' } });
    // What the one statement wrote: both changes, each with its email and calendar sequence, one reminder.
    const [job] = await api.t.sql`select due_at, calendar_sequence from dispatch_jobs where id = ${jobId}`;
    expect({ ...job, due_at: new Date(job!.due_at).toISOString() }).toEqual({ due_at: '2026-01-16T18:00:00.000Z', calendar_sequence: 2 });
    const emails = await api.t
      .sql`select kind, data from email_notifications where job_id = ${jobId} and kind in ('scheduled', 'rescheduled') order by id`;
    expect(emails.map((e) => [e.kind, e.data.sequence, e.data.date])).toEqual([
      ['scheduled', 1, '2026-01-15'],
      ['rescheduled', 2, '2026-01-16'],
    ]);
    const reminders = await api.t.sql`select run_at from graphile_worker.jobs where key = ${`reminder:${jobId}`}`;
    expect(reminders).toHaveLength(1);
    const [order] = await api.t.sql`select reschedule_count from orders where stripe_session_id = ${sessionId}`;
    expect(order?.reschedule_count).toBe(1);
  });

  it('the Stripe webhook: two for a payment; a replay writes nothing more', async () => {
    const order = await unpaidOrder();
    const event = order.event();
    const paid = await roundTrips(() => payVia(counted, event));
    expect(paid).toMatchObject({ trips: 2, value: { outcome: 'paid', orderId: order.orderId } });
    expect(await pay(event)).toEqual({ outcome: 'duplicate', orderId: order.orderId });
    const [counts] = await api.t.sql`
      select (select count(*)::int from dispatch_jobs where order_id = ${order.orderId}) as jobs,
             (select count(*)::int from email_notifications where order_id = ${order.orderId} and kind = 'order_confirmed') as emails,
             (select count(*)::int from graphile_worker.jobs where key = ${`offers:widen:${(paid.value as { jobId: string }).jobId}`}) as timers,
             (select skills from dispatch_jobs where order_id = ${order.orderId}) as skills`;
    expect(counts).toEqual({ jobs: 1, emails: 1, timers: 1, skills: ['wall-mount'] });
  });
});

describe('the rules hold when requests race', () => {
  it('a prepared statement serves every pro their own data', async () => {
    const chicago = await api.pro({ postalCode: '60601', serviceRadiusMiles: 10 });
    const milwaukee = await api.pro({ postalCode: '53202', serviceRadiusMiles: 10 });
    const inChicago = await api.paidOrder(at('Chicago', 'IL', '60614', '2400 N Clark St'));
    const inMilwaukee = await api.paidOrder(at('Milwaukee', 'WI', '53202', '700 N Water St'));
    const [pageA, pageB] = await Promise.all([listOffersPage(db, chicago.userId, now()), listOffersPage(db, milwaukee.userId, now())]);
    const [a, b] = [pageA.offers, pageB.offers];
    expect(a.map((o) => o.jobId)).toContain(inChicago.jobId);
    expect(a.map((o) => o.jobId)).not.toContain(inMilwaukee.jobId);
    expect(b.map((o) => o.jobId)).toEqual([inMilwaukee.jobId]);
    const [wonA, wonB] = await Promise.all([
      acceptJob(db, inChicago.jobId, chicago.userId, now()),
      acceptJob(db, inMilwaukee.jobId, milwaukee.userId, now()),
    ]);
    expect([wonA.proId, wonB.proId]).toEqual([chicago.userId, milwaukee.userId]);
  });

  it('one event delivered three times at once, and a second paying event: one job, one email', async () => {
    const order = await unpaidOrder();
    const event = order.event();
    const outcomes = await Promise.all([pay(event), pay(event), pay(event), pay(order.event()), pay(order.event())]);
    const names = outcomes.map((o) => o.outcome).sort();
    expect(names.filter((n) => n === 'paid')).toHaveLength(1);
    expect(names.every((n) => ['paid', 'duplicate', 'already-paid'].includes(n))).toBe(true);
    const [counts] = await api.t.sql`
      select (select count(*)::int from dispatch_jobs where order_id = ${order.orderId}) as jobs,
             (select count(*)::int from stripe_events where order_id = ${order.orderId}) as events,
             (select count(*)::int from email_notifications where order_id = ${order.orderId} and kind = 'order_confirmed') as emails`;
    expect(counts).toEqual({ jobs: 1, events: 3, emails: 1 });
  });

  it('confirms and reschedules of one order racing each other leave its job at the order’s slot', async () => {
    const { sessionId, jobId, customer } = await api.paidOrder();
    const slots = ['2026-01-20', '2026-01-21', '2026-01-22', '2026-01-23'].map((date, i) => ({
      date,
      timezone: 'America/Chicago',
      timeWindow: (['9am - 12pm', '12pm - 3pm', '3pm - 6pm', '9am - 12pm'] as const)[i]!,
    }));
    const results = await Promise.allSettled(
      slots.map((slot) => scheduleOrder(db, { sessionId }, slot, { userId: customer.userId, role: 'customer' }, now())),
    );
    expect(results.filter((r) => r.status === 'fulfilled').length).toBeGreaterThan(0);
    const [order] = await api.t
      .sql`select schedule_date::text as date, schedule_time_window as window, schedule_timezone as zone, reschedule_count from orders where stripe_session_id = ${sessionId}`;
    const [job] = await api.t.sql`select due_at, calendar_sequence from dispatch_jobs where id = ${jobId}`;
    expect(new Date(job!.due_at)).toEqual(windowStartUtc(order!.date, order!.zone, order!.window));
    const changes = await api.t.sql`select type from job_events where job_id = ${jobId} and type in ('scheduled', 'rescheduled')`;
    // Each change that happened was written whole: its audit row, its email, its calendar sequence.
    const emails = await api.t.sql`select 1 from email_notifications where job_id = ${jobId} and kind in ('scheduled', 'rescheduled')`;
    expect(changes.length).toBe(results.filter((r) => r.status === 'fulfilled').length);
    expect(emails.length).toBe(changes.length);
    expect(job?.calendar_sequence).toBe(changes.length);
    expect(order?.reschedule_count).toBe(changes.length - 1);
  });

  it('leaves the database satisfying every invariant', async () => {
    const report = await auditIntegrity({ db: api.t.db, storage: api.server.deps.storage });
    expect(report.invariants.filter((i) => i.breaches.length)).toEqual([]);
    expect(report.ok).toBe(true);
  });
});
