/**
 * Does a job fit a pro's day, and where? Pure: the day (home, shift, the visits already planned, in
 * order), the job (place, promised arrival window, minutes of work) and drive times in, the cheapest
 * place out. Visits already planned keep their times: a new job goes into a gap between two of them
 * (or before the first, or after the last) when the pro can drive there, start inside the window,
 * finish, and still drive on to the next visit in time. The cost of a place is the driving it adds.
 */
import { hoursVerdict, type Shift } from './hours';

export interface Point {
  lat: number;
  lng: number;
}

/** Whole minutes of driving from one place to another. */
export type DriveMinutes = (from: Point, to: Point) => number;

export interface PlannedStop {
  assignmentId: string;
  jobId: string;
  point: Point;
  arrival: Date;
  start: Date;
  end: Date;
  driveMinutes: number;
}

export interface ProDay {
  proId: string;
  timezone: string;
  home: Point;
  /** The pro's working hours that day; null: the pro does not work that day. */
  shift: Shift | null;
  /** The day is one of the pro's days off (shift is then null). */
  dayOff?: boolean;
  /** Live visits that day, by arrival. */
  stops: PlannedStop[];
}

export interface JobToFit {
  jobId: string;
  point: Point;
  /** The promised arrival window: work starts inside it (an early pro waits). */
  window: { start: Date; end: Date };
  serviceMinutes: number;
}

export interface Fit {
  arrival: Date;
  start: Date;
  end: Date;
  /** Driving to this visit from the previous stop (or home). */
  driveMinutes: number;
  /** Driving the day gains with this job (home to home). */
  addedDriveMinutes: number;
  /** The free time this job goes into: from the previous visit's end (or the shift's start) to the next visit's arrival (or the shift's end). */
  gap: { from: Date; to: Date };
  /** The visit after it, which now drives from this job: its new drive minutes. */
  next: { assignmentId: string; driveMinutes: number } | null;
}

export type FitResult = { fits: true; fit: Fit } | { fits: false; reason: string };

const MINUTE = 60_000;
const plus = (at: Date, minutes: number) => new Date(at.getTime() + minutes * MINUTE);
const later = (a: Date, b: Date) => (a > b ? a : b);

/** One formatter per zone and kind: building an Intl.DateTimeFormat costs far more than using one. */
const formatters = new Map<string, Intl.DateTimeFormat>();
export function zoneFormat(timeZone: string, kind: 'time' | 'date' | 'weekday'): Intl.DateTimeFormat {
  const key = `${kind} ${timeZone}`;
  let format = formatters.get(key);
  if (!format) {
    const options: Intl.DateTimeFormatOptions =
      kind === 'time'
        ? { timeZone, hour: 'numeric', minute: '2-digit' }
        : kind === 'weekday'
          ? { timeZone, weekday: 'long' }
          : { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' };
    formatters.set(key, (format = new Intl.DateTimeFormat(kind === 'date' ? 'en-CA' : 'en-US', options)));
  }
  return format;
}

/** Formats an instant as the pro's wall-clock time ("10:30 AM"). */
export const clockTime = (at: Date, timeZone: string) => zoneFormat(timeZone, 'time').format(at);

/**
 * `prefer`: a start time asked for (an applied plan's): of the places that fit, the one starting
 * nearest to it is taken instead of the cheapest. What fits does not change.
 */
export function fitIntoDay(day: ProDay, job: JobToFit, drive: DriveMinutes, prefer?: Date): FitResult {
  const { shift, stops, home, timezone } = day;
  const hours = hoursVerdict(shift, job.window);
  if (!shift || hours === 'not-working') return { fits: false, reason: 'that day is not a working day' };
  const t = (at: Date) => clockTime(at, timezone);
  if (hours === 'outside') {
    return { fits: false, reason: `its window is outside working hours (${t(shift.start)} to ${t(shift.end)})` };
  }
  const away = (fit: Fit) => (prefer ? Math.abs(fit.start.getTime() - prefer.getTime()) : 0);
  let best: Fit | null = null;
  for (let i = 0; i <= stops.length; i++) {
    const prev = stops[i - 1];
    const next = stops[i];
    const from = prev ? prev.point : home;
    const to = next ? next.point : home;
    const free = prev ? prev.end : shift.start;
    const driveIn = drive(from, job.point);
    // The pro leaves when needed to arrive as work can start: no waiting at the door.
    const start = later(plus(free, driveIn), job.window.start);
    if (start > job.window.end) continue;
    const end = plus(start, job.serviceMinutes);
    const driveOut = drive(job.point, to);
    if (next ? plus(end, driveOut) > next.arrival : end > shift.end) continue;
    const added = driveIn + driveOut - drive(from, to);
    const fit: Fit = {
      arrival: start,
      start,
      end,
      driveMinutes: driveIn,
      addedDriveMinutes: added,
      gap: { from: free, to: next ? next.arrival : shift.end },
      next: next ? { assignmentId: next.assignmentId, driveMinutes: driveOut } : null,
    };
    const better =
      !best ||
      away(fit) < away(best) ||
      (away(fit) === away(best) && (added < best.addedDriveMinutes || (added === best.addedDriveMinutes && start < best.start)));
    if (better) best = fit;
  }
  if (best) return { fits: true, fit: best };
  const busy = stops
    .filter((s) => s.end > plus(job.window.start, -job.serviceMinutes) && s.arrival < plus(job.window.end, job.serviceMinutes))
    .map((s) => `${t(plus(s.arrival, -s.driveMinutes))}–${t(s.end)}`);
  return {
    fits: false,
    reason:
      `the route cannot reach it between ${t(job.window.start)} and ${t(job.window.end)} with ${job.serviceMinutes} min of work` +
      (busy.length ? ` (busy ${busy.join(', ')}, driving included)` : ''),
  };
}
