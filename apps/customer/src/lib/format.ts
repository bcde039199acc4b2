/** Display formatting: money, dates and times in the customer's timezone, order status in words. */
import type { RouterOutputs } from '@h2s/api/client';

export type OrderView = RouterOutputs['orders']['bySession'];
export type JobView = NonNullable<OrderView['job']>;

const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

export const formatUSD = (cents: number) => usd.format(cents / 100);

/** A plain calendar date (YYYY-MM-DD) as noon UTC, so formatting it in UTC never shifts the day. */
export const plainDateInstant = (date: string) => new Date(`${date}T12:00:00Z`);

export function formatPlainDate(date: string, style: 'short' | 'long' = 'short'): string {
  const options: Intl.DateTimeFormatOptions =
    style === 'long'
      ? { weekday: 'long', month: 'long', day: 'numeric', year: 'numeric', timeZone: 'UTC' }
      : { weekday: 'short', month: 'short', day: 'numeric', timeZone: 'UTC' };
  return new Intl.DateTimeFormat('en-US', options).format(plainDateInstant(date));
}

/** "Central Time" for America/Chicago, "Mountain Standard Time" for America/Phoenix. */
export function zoneName(timezone: string, at: Date = new Date()): string {
  try {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone: timezone, timeZoneName: 'longGeneric' }).formatToParts(at);
    return parts.find((p) => p.type === 'timeZoneName')?.value ?? timezone;
  } catch {
    return timezone;
  }
}

/** "Thu, Jan 15, 12pm - 3pm (Central Time, America/Chicago)" */
export function formatSlot(slot: { date: string; timeWindow: string; timezone: string }): string {
  return `${formatPlainDate(slot.date)}, ${slot.timeWindow} (${zoneName(slot.timezone, plainDateInstant(slot.date))}, ${slot.timezone})`;
}

/** An instant in the customer's zone, with the zone's short name: "Jan 9, 2026, 9:41 AM CST". */
export function formatInstant(iso: string, timezone: string): string {
  try {
    return new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      month: 'short',
      day: 'numeric',
      year: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
      timeZoneName: 'short',
    }).format(new Date(iso));
  } catch {
    return iso;
  }
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${Number((bytes / (1024 * 1024)).toFixed(1))} MB`;
}

export type Tone = 'neutral' | 'info' | 'success' | 'warning' | 'danger';

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
