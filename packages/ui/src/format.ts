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

/** Every visit window is this long (the schema's WINDOW_HOURS). */
const WINDOW_MS = 3 * 3_600_000;

/** "9am", "12:30am": the clock at an instant in a timezone. */
export function clockLabel(instant: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', minute: '2-digit', hourCycle: 'h23' }).formatToParts(instant);
  const hour = Number(parts.find((p) => p.type === 'hour')?.value ?? 0) % 24;
  const minute = parts.find((p) => p.type === 'minute')?.value ?? '00';
  return `${hour % 12 || 12}${minute === '00' ? '' : `:${minute}`}${hour < 12 ? 'am' : 'pm'}`;
}

/** "9am–12pm": the window starting at `dueAt` as the clock reads in `timeZone` (the home's, for pros and dispatch). */
export function localWindow(dueAt: string | Date, timeZone: string): string {
  const start = new Date(dueAt);
  return `${clockLabel(start, timeZone)}–${clockLabel(new Date(start.getTime() + WINDOW_MS), timeZone)}`;
}

/** Minutes to add to UTC for the zone's wall clock at that instant. */
function offsetMinutes(instant: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
  }).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour') % 24, get('minute'));
  return Math.round((wall - Math.floor(instant.getTime() / 60_000) * 60_000) / 60_000);
}

/** The instant a wall-clock hour on a date happens in a zone (what the API does with a window and `timezone`). */
export function wallClockInstant(date: string, hour: number, timeZone: string): Date {
  const wall = Date.parse(`${date}T${String(hour).padStart(2, '0')}:00:00Z`);
  let instant = wall - offsetMinutes(new Date(wall), timeZone) * 60_000;
  instant = wall - offsetMinutes(new Date(instant), timeZone) * 60_000;
  return new Date(instant);
}

/** "Tomorrow, 9am–12pm CST", or "Not scheduled yet": always in the job's own zone, where the house is. */
export function formatWhen(job: Schedulable, now: Date): string {
  if (!job.dueAt) return 'Not scheduled yet';
  const due = new Date(job.dueAt);
  return `${relativeDay(localDate(due, job.timezone), job.timezone, now)}, ${localWindow(due, job.timezone)} ${zoneAbbreviation(due, job.timezone)}`;
}

/** "Thu, Jan 15, 11am–2pm CST at the home": a booked visit in the home's zone, labelled. */
export function formatVisit(dueAt: string, homeTimezone: string): string {
  const due = new Date(dueAt);
  return `${formatPlainDate(localDate(due, homeTimezone))}, ${localWindow(due, homeTimezone)} ${zoneAbbreviation(due, homeTimezone)} at the home`;
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
