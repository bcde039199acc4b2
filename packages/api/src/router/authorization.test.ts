/** Every procedure, called as each kind of caller: who gets through, and what the others are told. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Viewer } from '../domain/auth';
import { createTestApi, sampleCheckout, type TestApi } from '../test/fixtures';

type Who = 'anonymous' | 'customer' | 'otherCustomer' | 'pro' | 'otherPro' | 'admin';
type Expect = 'ok' | 'UNAUTHORIZED' | 'FORBIDDEN' | 'NOT_FOUND';
type Caller = Awaited<ReturnType<TestApi['caller']>>;

let api: TestApi;
let viewers: Record<Who, Viewer | null>;
let order: Awaited<ReturnType<TestApi['paidOrder']>>;

beforeAll(async () => {
  api = await createTestApi();
  order = await api.paidOrder();
  const otherPro = await api.pro({ postalCode: '78701', serviceRadiusMiles: 20 });
  const other = await api.paidOrder(
    sampleCheckout({ serviceAddress: { line1: '1 Elm', city: 'Austin', state: 'TX', postalCode: '78701' } }),
  );
  const pro = await api.pro({ postalCode: '60601', serviceRadiusMiles: 50 });
  viewers = { anonymous: null, customer: order.customer, otherCustomer: other.customer, pro, otherPro, admin: await api.admin() };
  // The pro holds the customer's job; the other pro is 1,000 miles away.
  await (await api.caller(pro)).jobs.accept({ jobId: order.jobId });
});
afterAll(async () => api?.close());

const staffOnly = {
  anonymous: 'UNAUTHORIZED',
  customer: 'FORBIDDEN',
  otherCustomer: 'FORBIDDEN',
  pro: 'FORBIDDEN',
  otherPro: 'FORBIDDEN',
  admin: 'ok',
} as const;
const prosOnly = {
  anonymous: 'UNAUTHORIZED',
  customer: 'FORBIDDEN',
  otherCustomer: 'FORBIDDEN',
  pro: 'ok',
  otherPro: 'ok',
  admin: 'FORBIDDEN',
} as const;
const customersOnly = {
  anonymous: 'UNAUTHORIZED',
  customer: 'ok',
  otherCustomer: 'ok',
  pro: 'FORBIDDEN',
  otherPro: 'FORBIDDEN',
  admin: 'FORBIDDEN',
} as const;
const everyone = { anonymous: 'ok', customer: 'ok', otherCustomer: 'ok', pro: 'ok', otherPro: 'ok', admin: 'ok' } as const;

const matrix: [string, (c: Caller) => Promise<unknown>, Record<Who, Expect>][] = [
  ['catalog.list', (c) => c.catalog.list(), everyone],
  ['auth.me', (c) => c.auth.me(), everyone],
  ['orders.bySession (bearer: the session id)', (c) => c.orders.bySession({ sessionId: order.sessionId }), everyone],
  ['account.orders', (c) => c.account.orders(), customersOnly],
  [
    'schedule.reschedule',
    (c) => c.schedule.reschedule({ sessionId: order.sessionId, date: '2026-01-16', timezone: 'America/Chicago', timeWindow: '9am - 12pm' }),
    { anonymous: 'UNAUTHORIZED', customer: 'ok', otherCustomer: 'NOT_FOUND', pro: 'FORBIDDEN', otherPro: 'FORBIDDEN', admin: 'FORBIDDEN' },
  ],
  [
    'jobs.get',
    (c) => c.jobs.get({ jobId: order.jobId }),
    { anonymous: 'UNAUTHORIZED', customer: 'ok', otherCustomer: 'NOT_FOUND', pro: 'ok', otherPro: 'FORBIDDEN', admin: 'ok' },
  ],
  [
    'uploads.list',
    (c) => c.uploads.list({ jobId: order.jobId }),
    { anonymous: 'UNAUTHORIZED', customer: 'ok', otherCustomer: 'NOT_FOUND', pro: 'ok', otherPro: 'FORBIDDEN', admin: 'ok' },
  ],
  ['offers.list', (c) => c.offers.list(), prosOnly],
  ['jobs.mine', (c) => c.jobs.mine(), prosOnly],
  ['admin.board', (c) => c.admin.board({}), staffOnly],
  ['admin.pros', (c) => c.admin.pros({ jobId: order.jobId }), staffOnly],
  ['admin.history', (c) => c.admin.history({ jobId: order.jobId }), staffOnly],
  ['admin.planDay', (c) => c.admin.planDay({ date: '2026-01-17', timezone: 'America/Chicago' }), staffOnly],
  ['jobs.myDay', (c) => c.jobs.myDay({ date: '2026-01-17' }), prosOnly],
  // A pro reads their own hours; an admin names the pro; customers have none.
  [
    'pros.availability (own)',
    (c) => c.pros.availability({}),
    { anonymous: 'UNAUTHORIZED', customer: 'FORBIDDEN', otherCustomer: 'FORBIDDEN', pro: 'ok', otherPro: 'ok', admin: 'FORBIDDEN' },
  ],
  [
    "pros.availability (the pro's, by id)",
    (c) => c.pros.availability({ proId: viewers.pro!.userId }),
    { anonymous: 'UNAUTHORIZED', customer: 'FORBIDDEN', otherCustomer: 'FORBIDDEN', pro: 'ok', otherPro: 'FORBIDDEN', admin: 'ok' },
  ],
  [
    "pros.setAvailability (the pro's, by id)",
    // Every day, so the pro still works the day admin.reschedule moves their job to (a day off would release it).
    (c) =>
      c.pros.setAvailability({
        proId: viewers.pro!.userId,
        hours: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, startsAt: '08:00', endsAt: '18:00' })),
        daysOff: [],
      }),
    { anonymous: 'UNAUTHORIZED', customer: 'FORBIDDEN', otherCustomer: 'FORBIDDEN', pro: 'ok', otherPro: 'FORBIDDEN', admin: 'ok' },
  ],
  ['admin.setProSkills', (c) => c.admin.setProSkills({ proId: viewers.otherPro!.userId, skills: ['wall-mount'] }), staffOnly],
  [
    'admin.reschedule',
    (c) => c.admin.reschedule({ orderId: order.orderId, date: '2026-01-17', timezone: 'America/Chicago', timeWindow: '9am - 12pm' }),
    staffOnly,
  ],
];

async function attempt(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
    return 'ok';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

describe('authorization matrix', () => {
  for (const [name, run, expected] of matrix) {
    it(name, async () => {
      const got: Record<string, string> = {};
      for (const who of Object.keys(expected) as Who[]) got[who] = await attempt(async () => run(await api.caller(viewers[who])));
      expect(got).toEqual(expected);
    });
  }

  it('mutations: only the right role gets through, and the refused ones change nothing', async () => {
    const open = await api.paidOrder();
    const results: Record<string, Record<string, string>> = {};
    for (const who of ['anonymous', 'customer', 'admin', 'otherPro'] as Who[]) {
      const c = await api.caller(viewers[who]);
      results[who] = {
        accept: await attempt(() => c.jobs.accept({ jobId: open.jobId })),
        complete: await attempt(() => c.jobs.complete({ jobId: order.jobId })),
        assign: await attempt(() => c.admin.assign({ jobId: open.jobId, proId: viewers.pro!.userId })),
        createPro: await attempt(() =>
          c.admin.createPro({
            name: 'New',
            email: `new-${who}@pros.test`,
            password: 'long enough password',
            postalCode: '60601',
            serviceRadiusMiles: 25,
            skills: ['wall-mount'],
          }),
        ),
      };
    }
    expect(results).toEqual({
      anonymous: { accept: 'UNAUTHORIZED', complete: 'UNAUTHORIZED', assign: 'UNAUTHORIZED', createPro: 'UNAUTHORIZED' },
      customer: { accept: 'FORBIDDEN', complete: 'FORBIDDEN', assign: 'FORBIDDEN', createPro: 'FORBIDDEN' },
      otherPro: { accept: 'FORBIDDEN', complete: 'FORBIDDEN', assign: 'FORBIDDEN', createPro: 'FORBIDDEN' },
      admin: { accept: 'FORBIDDEN', complete: 'FORBIDDEN', assign: 'ok', createPro: 'ok' },
    });
    const [job] = await api.t.sql`select status, assigned_pro_id from dispatch_jobs where id = ${order.jobId}`;
    expect(job).toEqual({ status: 'accepted', assigned_pro_id: viewers.pro!.userId });
  });

  it('a customer only ever sees their own orders', async () => {
    const mine = await (await api.caller(viewers.customer)).account.orders();
    expect(mine.orders.map((o) => o.orderId)).toEqual([order.orderId]);
  });

  it('a job offered to a pro hides the customer until it is accepted', async () => {
    const open = await api.paidOrder();
    const nearby = await api.caller(await api.pro({ postalCode: '60614', serviceRadiusMiles: 25 }));
    const before = await nearby.jobs.get({ jobId: open.jobId });
    expect(before.customer).toBeNull();
    expect(before.city).toBe('Chicago');
    await nearby.jobs.accept({ jobId: open.jobId });
    const after = await nearby.jobs.get({ jobId: open.jobId });
    expect(after.customer).toMatchObject({ addressLine1: '233 S Wacker Dr', name: 'Avery Johnson' });
  });
});
