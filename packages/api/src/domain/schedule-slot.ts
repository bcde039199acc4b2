/** A requested slot: the calendar rules and the window's start in UTC (DST included), free of storage. */
import { Temporal } from 'temporal-polyfill';
import { z } from 'zod';
import { TIME_WINDOWS, type TimeWindow } from '@h2s/db';
import { fieldError } from './errors';

export const SCHEDULE_HORIZON_DAYS = 90;
export const TIME_WINDOW_LABELS = Object.keys(TIME_WINDOWS) as TimeWindow[];

export const scheduleFields = {
  date: z
    .string()
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'Date must look like 2026-01-15'),
  timezone: z.string().trim().min(1, 'Timezone is required').max(64),
  timeWindow: z.enum(TIME_WINDOW_LABELS as [TimeWindow, ...TimeWindow[]], {
    error: `Time window must be one of: ${TIME_WINDOW_LABELS.join(', ')}`,
  }),
};

export function isTimeZone(timezone: string): boolean {
  try {
    Temporal.Now.zonedDateTimeISO(timezone);
    return true;
  } catch {
    return false;
  }
}

/** The window's start as a UTC instant: local wall time in the zone, DST included. */
export function windowStartUtc(date: string, timezone: string, timeWindow: TimeWindow): Date {
  const local = Temporal.PlainDate.from(date, { overflow: 'reject' }).toPlainDateTime({ hour: TIME_WINDOWS[timeWindow] });
  // 'compatible' moves a start that falls in a spring-forward gap to the first real instant after it.
  const zoned = local.toZonedDateTime(timezone, { disambiguation: 'compatible' });
  return new Date(zoned.epochMilliseconds);
}

/** Today's date where the customer is. */
export function localToday(timezone: string, now: Date): string {
  return Temporal.Instant.fromEpochMilliseconds(now.getTime()).toZonedDateTimeISO(timezone).toPlainDate().toString();
}

export interface ScheduleRequest {
  date: string;
  timezone: string;
  timeWindow: TimeWindow;
}

/** Checks a requested slot against the calendar; returns the due instant or throws a field error. */
export function validateSlot(request: ScheduleRequest, now: Date): Date {
  if (!isTimeZone(request.timezone)) throw fieldError(['timezone'], `Unknown timezone "${request.timezone}"`);
  try {
    Temporal.PlainDate.from(request.date, { overflow: 'reject' });
  } catch {
    throw fieldError(['date'], `${request.date} is not a calendar date`);
  }
  const today = Temporal.PlainDate.from(localToday(request.timezone, now));
  const day = Temporal.PlainDate.from(request.date);
  if (Temporal.PlainDate.compare(day, today) < 0) throw fieldError(['date'], 'That date is in the past');
  if (Temporal.PlainDate.compare(day, today.add({ days: SCHEDULE_HORIZON_DAYS })) > 0) {
    throw fieldError(['date'], `Choose a date within the next ${SCHEDULE_HORIZON_DAYS} days`);
  }
  const dueAt = windowStartUtc(request.date, request.timezone, request.timeWindow);
  if (dueAt.getTime() <= now.getTime()) throw fieldError(['timeWindow'], 'That time window has already started; choose a later one');
  return dueAt;
}
