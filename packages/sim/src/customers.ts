/**
 * Customers and the offer timers, through the real code paths: checkout.create, the signed
 * checkout.session.completed webhook (applyStripeEvent, as POST /api/stripe/webhook calls it),
 * schedule.confirm, orders.cancel (as dispatch, for the customer), and the worker's widen and
 * escalate steps at the simulated instants their queue jobs would run.
 */
import { applyStripeEvent } from '@h2s/api/domain/checkout';
import { escalateOffer, widenOffer } from '@h2s/api/domain/offer-timers';
import { signTestEvent } from '@h2s/api/domain/payments';
import { dispatchPolicy } from '@h2s/api/domain/policy';
import { performance } from 'node:perf_hooks';
import { lookupPostalCode } from '@h2s/db/geo';
import { refusalCode } from './events';
import { MINUTE, type SimJob, type SimState } from './state';
import { wake } from './pros';
import { record } from './world';

async function timed<T>(state: SimState, name: string, call: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await call();
  } finally {
    record(state.world.timings, name, performance.now() - started);
  }
}

export function scheduleCustomers(state: SimState): void {
  for (const job of state.jobs) {
    state.agenda.add(Date.parse(job.spec.bookedAt), () => book(state, job));
    if (job.spec.cancelledAt) state.agenda.add(Date.parse(job.spec.cancelledAt), () => cancel(state, job));
  }
}

async function book(state: SimState, job: SimJob): Promise<void> {
  const { world, scenario } = state;
  const place = lookupPostalCode(job.spec.postalCode)!;
  const anon = await world.caller(null);
  const n = job.spec.id.replace(/[^a-z0-9]/gi, '').toLowerCase();
  let order: { orderId: string; sessionId: string; amountTotalCents: number };
  try {
    order = await anon.checkout.create({
      items: job.spec.items,
      customer: { name: `Customer ${job.spec.id}`, email: `customer-${n}@sim.test`, phone: '312-555-0100' },
      serviceAddress: {
        line1: `${100 + (state.jobs.indexOf(job) % 900)} Main St`,
        city: place.city,
        state: place.state,
        postalCode: place.postalCode,
      },
    });
  } catch (error) {
    job.refused = refusalCode(error);
    return;
  }
  const now = world.clock.now();
  const { payload, signature } = signTestEvent(world.server.deps.payments, {
    type: 'checkout.session.completed',
    sessionId: order.sessionId,
    orderId: order.orderId,
    amountTotalCents: order.amountTotalCents,
    paymentStatus: 'paid',
  });
  const paid = await timed(state, 'webhook (applyStripeEvent)', () =>
    applyStripeEvent({ db: world.server.deps.db, payments: world.server.deps.payments }, payload, signature, now),
  );
  if (paid.outcome !== 'paid') throw new Error(`Payment of ${job.spec.id} was not applied: ${JSON.stringify(paid)}`);
  Object.assign(job, { orderId: order.orderId, sessionId: order.sessionId, jobId: paid.jobId, paidAt: now.getTime() });
  state.byJobId.set(paid.jobId, job);
  await anon.schedule.confirm({ sessionId: order.sessionId, date: scenario.day, timezone: scenario.timezone, timeWindow: job.spec.window });
  state.openVersion++;
  state.agenda.add(now.getTime() + dispatchPolicy().widenAfterMinutes * MINUTE, () => widen(state, job));
}

async function widen(state: SimState, job: SimJob): Promise<void> {
  if (!job.jobId || job.acceptedAt || job.cancelledAt) return;
  const policy = dispatchPolicy();
  const now = state.world.clock.now();
  if ((await timed(state, 'worker: offers.widen', () => widenOffer(state.world.server.deps.db, job.jobId!, now, policy))) !== 'done')
    return;
  job.widenedAt = now.getTime();
  state.openVersion++;
  state.agenda.add(now.getTime() + policy.escalateAfterMinutes * MINUTE, async () => {
    if (job.acceptedAt || job.cancelledAt) return;
    const db = state.world.server.deps.db;
    if ((await timed(state, 'worker: offers.escalate', () => escalateOffer(db, job.jobId!, state.world.clock.now(), policy))) === 'done') {
      job.escalatedAt = state.world.clock.now().getTime();
    }
  });
}

async function cancel(state: SimState, job: SimJob): Promise<void> {
  if (!job.orderId) return;
  const admin = await state.world.caller(state.world.admin);
  try {
    await admin.orders.cancel({ orderId: job.orderId, reason: 'The customer called to cancel (simulated)' });
  } catch (error) {
    job.cancelRefused = refusalCode(error);
    return;
  }
  job.cancelledAt = state.world.clock.now().getTime();
  // Its pro's day changed: they pick their next stop again if they were waiting for this one.
  if (job.pro && !job.visit) wake(state, job.pro);
}
