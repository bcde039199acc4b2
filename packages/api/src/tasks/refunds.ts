import type { TaskList } from 'graphile-worker';
import type { Database } from '@h2s/db';
import { payRefund, REFUND_TASK } from '../domain/cancel';
import type { Clock } from '../domain/clock';
import type { Payments } from '../domain/payments';

export interface RefundTaskDeps {
  db: Database;
  clock: Clock;
  payments: Payments;
}

/** Pays out a cancelled order's refund (retried with backoff if Stripe is unreachable). */
export function refundTasks(deps: RefundTaskDeps): TaskList {
  return {
    [REFUND_TASK]: async (payload) => {
      const orderId = (payload as { orderId?: unknown } | null)?.orderId;
      if (typeof orderId !== 'string') throw new Error('refund task payload has no orderId');
      await payRefund(deps.db, deps.payments, orderId, deps.clock.now());
    },
  };
}
