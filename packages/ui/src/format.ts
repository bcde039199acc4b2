/**
 * How both apps show money, dates, times and job states. Times are shown in the job's (or the
 * order's) own timezone, never the browser's, so server render and hydration agree.
 */

const DAY_MS = 86_400_000;
const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

/** 12999 → "$129.99". */
export const formatUSD = (cents: number) => usd.format(cents / 100);

/** A plain calendar date (YYYY-MM-DD) as noon UTC, so formatting it in UTC never shifts the day. */
export const plainDateInstant = (date: string) => new Date(`${date}T12:00:00Z`);

/** "Thu, Jan 15" (short) or "Thursday, January 15, 2026" (long). */
export function formatPlainDate(date: string, style: 'short' | 'long' = 'short'): string {
  const options: Intl.DateTimeFormatOptions =
    style === 'long'
      ? { weekday: 'long', month: 'long', day: 'numeric', year: 'numeric', timeZone: 'UTC' }
      : { weekday: 'short', month: 'short', day: 'numeric', timeZone: 'UTC' };
  return new Intl.DateTimeFormat('en-US', options).format(plainDateInstant(date));
}

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
  }).format(plainDateInstant(isoDate));
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

/** "CST", "EDT", "MST": the zone's short name at that instant. */
export function zoneAbbreviation(instant: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'short' }).formatToParts(instant);
  return parts.find((p) => p.type === 'timeZoneName')?.value ?? timeZone;
}

/** "9am - 12pm" → "9am–12pm". */
export const windowLabel = (timeWindow: string) => timeWindow.replace(/\s*-\s*/, '–');

export interface Slot {
  /** YYYY-MM-DD in the slot's timezone. */
  date: string;
  /** "12pm - 3pm". */
  timeWindow: string;
  /** With it, the zone is named: the customer may live elsewhere than the job. */
  timezone?: string | null;
}

/** A booked slot: "Thu, Jan 15, 12pm–3pm", and with a timezone "… (Central Time, America/Chicago)". */
export function formatSlot(slot: Slot): string {
  const when = `${formatPlainDate(slot.date)}, ${windowLabel(slot.timeWindow)}`;
  return slot.timezone ? `${when} (${zoneName(slot.timezone, plainDateInstant(slot.date))}, ${slot.timezone})` : when;
}

export interface Schedulable {
  dueAt: string | null;
  timeWindow: string | null;
  scheduleDate: string | null;
  timezone: string;
  scheduleTimezone?: string | null;
}

/** "Tomorrow, 9am–12pm CST", or "Not scheduled yet". */
export function formatWhen(job: Schedulable, now: Date): string {
  if (!job.dueAt || !job.scheduleDate || !job.timeWindow) return 'Not scheduled yet';
  const zone = job.scheduleTimezone ?? job.timezone;
  return `${relativeDay(job.scheduleDate, zone, now)}, ${windowLabel(job.timeWindow)} ${zoneAbbreviation(new Date(job.dueAt), zone)}`;
}

/** An exact moment in a timezone, for receipts and audit trails: "Jan 9, 2026, 2:03 PM CST". */
export function formatInstant(iso: string, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
      timeZoneName: 'short',
    }).format(new Date(iso));
  } catch {
    return iso;
  }
}

/** 1536 → "2 KB", 2_500_000 → "2.4 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${Number((bytes / (1024 * 1024)).toFixed(1))} MB`;
}

export const formatDistance = (miles: number) => `${miles.toFixed(1)} mi`;

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

const STATUS_LABELS: Record<string, string> = {
  queued: 'Not scheduled',
  scheduled: 'Scheduled',
  accepted: 'Accepted',
  en_route: 'On the way',
  in_progress: 'In progress',
  completed: 'Completed',
  cancelled: 'Cancelled',
};
/** A job status as dispatch reads it. */
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
  departed: 'On the way',
  started: 'Work started',
  moved_back: 'Moved back a step',
  reopened: 'Reopened',
  widened: 'Offered beyond pros’ usual area',
  escalated: 'Flagged: needs dispatch',
  refunded: 'Refunded',
};
/** A job event's type in words, for the history timeline. */
export const eventLabel = (type: string) => EVENT_LABELS[type] ?? type;

export type Tone = 'neutral' | 'info' | 'success' | 'warning' | 'danger';
