/**
 * Cancellation and its one refund. The cancelling transaction cancels the order and its job,
 * releases the pro, writes the order's refund row (unique per order) and enqueues the queue job
 * that pays it out; no network inside the transaction. Asking again finds the order cancelled and
 * the refund row there, and changes nothing.
 */
import { z } from 'zod';
import { and, dispatchJobs, enqueue, eq, jobAssignments, newRefundId, orders, refunds, type Database, type Refund } from '@h2s/db';
import { conflict, fieldError, forbidden, notFound } from './errors';
import { customerMayAccessOrder } from './customer-access';
import { enqueueCancellationEmail } from './notifications';
import { recordJobEvent, type Actor } from './events';
import { clearOfferTimers } from './offer-timers';
import type { Payments } from './payments';
import { dispatchPolicy, type DispatchPolicy } from './policy';
import { beforeCutoff, DISPATCH_CONTACT } from './schedule';

export const REFUND_TASK = 'refunds.pay';
export const refundKey = (orderId: string) => `refunds:pay:${orderId}`;

export const cancelInput = z.object({
  orderId: z
    .string()
    .trim()
    .regex(/^ORD-[A-Z2-7]{8}$/, 'Not an order id'),
  reason: z.string().trim().max(500, 'At most 500 characters').optional(),
});

export interface CancelResult {
  orderId: string;
  jobId: string | null;
  status: 'cancelled';
  cancelledAt: string;
  refund: { status: Refund['status']; amountCents: number };
}

/** Statuses after which a visit has started: too late to cancel, even for dispatch. */
const STARTED = new Set(['completed', 'en_route', 'in_progress']);

export async function cancelOrder(
  db: Database,
  input: { orderId: string; reason?: string },
  /** A customer's session scoped to one order (the checkout grant) cannot cancel: that needs the account. */
  actor: Actor & { role: 'customer' | 'admin'; scopeOrderId?: string | null },
  now: Date,
  paymentsMode: Payments['mode'],
  policy: DispatchPolicy = dispatchPolicy(),
): Promise<CancelResult> {
  const reason = input.reason?.trim() || null;
  if (actor.role === 'admin' && !reason) throw fieldError(['reason'], 'Give a reason for the cancellation');
  return db.transaction(async (tx) => {
    const [order] = await tx.select().from(orders).where(eq(orders.id, input.orderId)).for('update');
    if (
      !order ||
      (actor.role === 'customer' &&
        !customerMayAccessOrder({ role: 'customer', userId: actor.userId ?? '', scopeOrderId: actor.scopeOrderId }, order))
    ) {
      throw notFound('Order');
    }
    if (actor.role === 'customer' && actor.scopeOrderId) {
      throw forbidden('To cancel, sign in to your account with the link we email you.');
    }
    const [job] = await tx.select().from(dispatchJobs).where(eq(dispatchJobs.orderId, order.id)).for('update');
    const [existingRefund] = await tx.select().from(refunds).where(eq(refunds.orderId, order.id));
    if (order.cancelledAt) {
      // Asked again: the same answer, no second refund.
      return result(order.id, job?.id ?? null, order.cancelledAt, existingRefund ?? null, order.amountTotalCents);
    }
    if (order.paymentStatus !== 'paid') throw conflict('This order was never paid; there is nothing to cancel.');
    if (job && STARTED.has(job.status)) throw conflict(`This visit is ${job.status.replace('_', ' ')} and can no longer be cancelled.`);
    if (actor.role === 'customer' && !beforeCutoff(job?.dueAt ?? null, now, policy)) {
      throw conflict(
        `Visits can be cancelled online until ${policy.rescheduleCutoffHours} hours before the window starts, for a full refund. To cancel this one, ${DISPATCH_CONTACT}.`,
      );
    }
    await tx.update(orders).set({ cancelledAt: now, cancellationReason: reason, updatedAt: now }).where(eq(orders.id, order.id));
    if (job) {
      const previousProId = job.assignedProId;
      if (previousProId) {
        await tx
          .update(jobAssignments)
          .set({ state: 'released', releasedAt: now })
          .where(and(eq(jobAssignments.jobId, job.id), eq(jobAssignments.state, 'accepted')));
        await recordJobEvent(tx, job.id, 'released', actor, {
          proId: previousProId,
          reason: 'order-cancelled',
          message: 'The customer cancelled this job.',
        });
      }
      await tx.update(dispatchJobs).set({ status: 'cancelled', assignedProId: null, updatedAt: now }).where(eq(dispatchJobs.id, job.id));
      await recordJobEvent(tx, job.id, 'cancelled', actor, { reason, ...(previousProId ? { proId: previousProId } : {}) });
      await clearOfferTimers(tx, job.id);
      // The customer's cancellation (METHOD:CANCEL invite), in this transaction; the reminder is removed.
      await enqueueCancellationEmail(tx, { orderId: order.id, jobId: job.id, reason });
    }
    const [refund] = await tx
      .insert(refunds)
      .values({
        id: newRefundId(),
        orderId: order.id,
        amountCents: order.amountTotalCents,
        mode: paymentsMode,
        reason,
        requestedBy: actor.userId,
        createdAt: now,
      })
      .onConflictDoNothing({ target: refunds.orderId })
      .returning();
    if (refund)
      await enqueue(
        tx,
        REFUND_TASK,
        { orderId: order.id },
        { jobKey: refundKey(order.id), jobKeyMode: 'preserve_run_at', maxAttempts: 10 },
      );
    return result(order.id, job?.id ?? null, now, refund ?? existingRefund ?? null, order.amountTotalCents);
  });
}

function result(orderId: string, jobId: string | null, cancelledAt: Date, refund: Refund | null, amount: number): CancelResult {
  return {
    orderId,
    jobId,
    status: 'cancelled',
    cancelledAt: cancelledAt.toISOString(),
    refund: { status: refund?.status ?? 'pending', amountCents: refund?.amountCents ?? amount },
  };
}

/**
 * The queue job: pays out an order's refund. In Stripe mode `refunds.create` carries an idempotency
 * key derived from the refund row, so a retry after a crash cannot refund twice; in test mode the
 * refund is recorded. The row is marked succeeded in a short transaction afterwards; a refund already
 * succeeded is left alone.
 */
export async function payRefund(db: Database, payments: Payments, orderId: string, now: Date): Promise<'paid' | 'already-paid'> {
  const [row] = await db
    .select({ refund: refunds, sessionId: orders.stripeSessionId })
    .from(refunds)
    .innerJoin(orders, eq(orders.id, refunds.orderId))
    .where(eq(refunds.orderId, orderId));
  if (!row) throw new Error(`No refund recorded for order ${orderId}`);
  if (row.refund.status === 'succeeded') return 'already-paid';
  let stripeRefundId: string;
  if (row.refund.mode === 'stripe') {
    const session = await payments.stripe.checkout.sessions.retrieve(row.sessionId);
    const paymentIntent = typeof session.payment_intent === 'string' ? session.payment_intent : session.payment_intent?.id;
    if (!paymentIntent) throw new Error(`Checkout Session ${row.sessionId} has no payment intent to refund`);
    const refund = await payments.stripe.refunds.create(
      { payment_intent: paymentIntent, amount: row.refund.amountCents, metadata: { order_id: orderId, refund_id: row.refund.id } },
      { idempotencyKey: `h2s-refund-${row.refund.id}` },
    );
    stripeRefundId = refund.id;
  } else {
    stripeRefundId = `re_test_${row.refund.id}`;
  }
  return db.transaction(async (tx) => {
    const [paid] = await tx
      .update(refunds)
      .set({ status: 'succeeded', stripeRefundId, refundedAt: now })
      .where(and(eq(refunds.id, row.refund.id), eq(refunds.status, 'pending')))
      .returning();
    if (!paid) return 'already-paid' as const;
    const [job] = await tx.select({ id: dispatchJobs.id }).from(dispatchJobs).where(eq(dispatchJobs.orderId, orderId));
    if (job)
      await recordJobEvent(
        tx,
        job.id,
        'refunded',
        { userId: null, role: 'system' },
        { refundId: paid.id, amountCents: paid.amountCents, stripeRefundId },
      );
    return 'paid' as const;
  });
}
