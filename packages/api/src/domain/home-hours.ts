import { Temporal } from 'temporal-polyfill';
import { WINDOW_HOURS } from '@h2s/db';
import { fieldError } from './errors';

/** Visits happen at the house, so its zone (from the service address) decides what hour it is. */
export const HOME_DAY_STARTS = 7;
export const HOME_DAY_ENDS = 21;

const hourLabel = (t: Temporal.ZonedDateTime) => {
  const h = t.hour % 12 || 12;
  return `${h}${t.minute ? `:${String(t.minute).padStart(2, '0')}` : ''}${t.hour < 12 ? 'am' : 'pm'}`;
};

/** "9am–12pm": a window starting at `dueAt`, as the clock reads at the home. */
export function homeWindowLabel(dueAt: Date, homeTimezone: string): string {
  const start = Temporal.Instant.fromEpochMilliseconds(dueAt.getTime()).toZonedDateTimeISO(homeTimezone);
  return `${hourLabel(start)}–${hourLabel(start.add({ hours: WINDOW_HOURS }))}`;
}

/**
 * A window read in another zone than the home's must still fall between 7am and 9pm at the home
 * (a booking made with the customer's own zone is fine; one that lands at night is not).
 */
export function assertWithinHomeHours(dueAt: Date, homeTimezone: string, requestedTimezone: string): void {
  const start = Temporal.Instant.fromEpochMilliseconds(dueAt.getTime()).toZonedDateTimeISO(homeTimezone);
  const end = start.add({ hours: WINDOW_HOURS });
  const startsAt = start.hour + start.minute / 60;
  const endsAt = Temporal.PlainDate.compare(end.toPlainDate(), start.toPlainDate()) === 0 ? end.hour + end.minute / 60 : 24 + end.hour;
  if (startsAt >= HOME_DAY_STARTS && endsAt <= HOME_DAY_ENDS) return;
  throw fieldError(
    ['timeWindow'],
    `In ${requestedTimezone} that window is ${homeWindowLabel(dueAt, homeTimezone)} at the home (${homeTimezone}); ` +
      `visits run between 7am and 9pm at the home. Choose a window in the home's time zone, ${homeTimezone}.`,
  );
}
