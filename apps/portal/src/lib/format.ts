/**
 * How jobs read to a person: times in the job's own timezone and relative to "now" as the server
 * sees it (so server render and hydration agree, and a shifted dev clock is honoured).
 */

export interface Schedulable {
  dueAt: string | null;
  timeWindow: string | null;
  scheduleDate: string | null;
  timezone: string;
  scheduleTimezone?: string | null;
}

const DAY_MS = 86_400_000;

/** The calendar date (YYYY-MM-DD) an instant falls on in a timezone. */
export function localDate(instant: Date, timeZone: string): string {
  // en-CA formats dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}

const dayNumber = (isoDate: string) => Date.parse(`${isoDate}T00:00:00Z`) / DAY_MS;

/** "Today", "Tomorrow", "Yesterday", else "Thu, Jan 15" (with the year when it differs). */
export function relativeDay(isoDate: string, timeZone: string, now: Date): string {
  const today = localDate(now, timeZone);
  const diff = Math.round(dayNumber(isoDate) - dayNumber(today));
  if (diff === 0) return 'Today';
  if (diff === 1) return 'Tomorrow';
  if (diff === -1) return 'Yesterday';
  const sameYear = isoDate.slice(0, 4) === today.slice(0, 4);
  return new Intl.DateTimeFormat('en-US', {
    timeZone: 'UTC',
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    ...(sameYear ? {} : { year: 'numeric' }),
  }).format(new Date(`${isoDate}T12:00:00Z`));
}

/** "CST", "EDT", "MST": the zone's short name at that instant. */
export function zoneAbbreviation(instant: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'short' }).formatToParts(instant);
  return parts.find((p) => p.type === 'timeZoneName')?.value ?? timeZone;
}

/** "9am - 12pm" → "9am–12pm". */
export const windowLabel = (timeWindow: string) => timeWindow.replace(/\s*-\s*/, '–');

/** "Tomorrow, 9am–12pm CST", or "Not scheduled yet". */
export function formatWhen(job: Schedulable, now: Date): string {
  if (!job.dueAt || !job.scheduleDate || !job.timeWindow) return 'Not scheduled yet';
  const zone = job.scheduleTimezone ?? job.timezone;
  return `${relativeDay(job.scheduleDate, zone, now)}, ${windowLabel(job.timeWindow)} ${zoneAbbreviation(new Date(job.dueAt), zone)}`;
}

/** A booked slot without "today"/"tomorrow": "Thu, Jan 15, 12pm–3pm". */
export function formatSlot(isoDate: string, timeWindow: string): string {
  const day = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', weekday: 'short', month: 'short', day: 'numeric' }).format(
    new Date(`${isoDate}T12:00:00Z`),
  );
  return `${day}, ${windowLabel(timeWindow)}`;
}

/** An exact moment for audit trails: "Jan 9, 2026, 2:03 PM CST". */
export function formatInstant(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(new Date(iso));
}

export const formatDistance = (miles: number) => `${miles.toFixed(1)} mi`;

const STATUS_LABELS: Record<string, string> = {
  queued: 'Not scheduled',
  scheduled: 'Scheduled',
  accepted: 'Accepted',
  completed: 'Completed',
  cancelled: 'Cancelled',
};
export const statusLabel = (status: string) => STATUS_LABELS[status] ?? status;

const EVENT_LABELS: Record<string, string> = {
  created: 'Paid — job created',
  scheduled: 'Scheduled',
  rescheduled: 'Rescheduled',
  accepted: 'Accepted',
  assigned: 'Assigned by dispatch',
  reassigned: 'Reassigned by dispatch',
  released: 'Released',
  completed: 'Completed',
  cancelled: 'Cancelled',
  photo_added: 'Photo added',
  photo_removed: 'Photo removed',
  widened: 'Offered beyond pros’ usual area',
  escalated: 'Flagged: needs dispatch',
  refunded: 'Refunded',
};
export const eventLabel = (type: string) => EVENT_LABELS[type] ?? type;

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
