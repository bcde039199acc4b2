/**
 * The working-hours rule, written once: does a promised window fall in the pro's hours on its day?
 * fitIntoDay refuses a day off and a window wholly outside the shift; admin.assign asks dispatch for a
 * reason unless the window lies wholly inside it (checkAssignmentHours); the planner offers a job
 * only to pros it lies inside for. The shift itself (weekly hours on that local date, null on a day
 * off or a day without hours) is read by loadProDay / loadProDays. offers.list and jobs.accept filter
 * with its SQL form, withinHoursSql (reach.ts); hours-sql.test.ts checks the two agree.
 */
export interface Shift {
  start: Date;
  end: Date;
}

export type HoursVerdict =
  /** The whole window is inside the shift. */
  | 'within'
  /** Part of the window is inside the shift. */
  | 'partly'
  /** The window is wholly before or after the shift. */
  | 'outside'
  /** The pro does not work that day (a day off, or no hours that weekday). */
  | 'not-working';

export function hoursVerdict(shift: Shift | null, window: { start: Date; end: Date }): HoursVerdict {
  if (!shift) return 'not-working';
  if (window.end < shift.start || window.start > shift.end) return 'outside';
  return shift.start <= window.start && window.end <= shift.end ? 'within' : 'partly';
}
