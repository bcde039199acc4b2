/** An order as the customer sees it: where it stands, in their words, and where the work is. */
import type { RouterOutputs } from '@h2s/api/client';
import type { Tone } from '@h2s/ui/format';

/** An order as the success and account pages show it (only the success page carries its tracking link). */
export type OrderView = Omit<RouterOutputs['orders']['bySession'], 'trackingPath'> & { trackingPath?: string | null };
export type JobView = NonNullable<OrderView['job']>;

/** Where the order stands, in the customer's words. */
export function orderStatus(order: OrderView): { text: string; tone: Tone } {
  if (order.paymentStatus === 'pending') return { text: 'Waiting for payment', tone: 'warning' };
  if (order.paymentStatus === 'expired') return { text: 'Checkout expired, not charged', tone: 'danger' };
  if (order.paymentStatus === 'failed') return { text: 'Payment failed', tone: 'danger' };
  const job = order.job;
  if (!job) return { text: 'Payment received, setting up your job', tone: 'info' };
  switch (job.status) {
    case 'queued':
      return { text: 'Waiting to be scheduled', tone: 'warning' };
    case 'scheduled':
      // Rescheduled onto a time the pro was busy: the job went back to offers.
      if (order.rescheduleCount > 0) return { text: 'Finding a pro for the new time', tone: 'info' };
      return { text: 'Scheduled', tone: 'info' };
    case 'accepted':
      return { text: `Assigned to ${job.assignedPro?.name ?? 'a pro'}`, tone: 'success' };
    case 'en_route':
      return { text: `${job.assignedPro?.name.split(' ')[0] ?? 'Your pro'} is on the way`, tone: 'info' };
    case 'in_progress':
      return { text: 'Work in progress', tone: 'info' };
    case 'completed':
      return { text: 'Completed', tone: 'success' };
    case 'cancelled':
      return { text: order.refund?.status === 'succeeded' ? 'Cancelled · refunded' : 'Cancelled · refund on its way', tone: 'danger' };
    default:
      return { text: job.status, tone: 'neutral' };
  }
}

export function addressLines(address: OrderView['address']): string[] {
  return [address.line1, address.line2, `${address.city}, ${address.state} ${address.postalCode}`].filter((l): l is string => !!l);
}
