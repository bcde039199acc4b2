/** Calendar arithmetic on plain dates (YYYY-MM-DD); no clock and no timezone of its own. */

const pad = (n: number) => String(n).padStart(2, '0');

export const toPlainDate = (d: Date) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
const fromPlainDate = (date: string) => new Date(`${date}T00:00:00Z`);

export function addDays(date: string, days: number): string {
  const d = fromPlainDate(date);
  d.setUTCDate(d.getUTCDate() + days);
  return toPlainDate(d);
}

/** The same day of the month in another month, clamped to that month's length. */
export function addMonths(date: string, months: number): string {
  const d = fromPlainDate(date);
  const day = d.getUTCDate();
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, last));
  return toPlainDate(target);
}

/** 0 = Sunday. */
export const weekday = (date: string) => fromPlainDate(date).getUTCDay();

export const monthKey = (date: string) => date.slice(0, 7);

export const clampDate = (date: string, min: string, max: string) => (date < min ? min : date > max ? max : date);

/** Today's date in a timezone at an instant. */
export function todayIn(timezone: string, now: Date): string {
  try {
    const parts = new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(
      now,
    );
    const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
    return `${get('year')}-${get('month')}-${get('day')}`;
  } catch {
    return toPlainDate(now);
  }
}

/**
 * The weeks of a month (YYYY-MM), Sunday first, with null where a week runs into the next or
 * previous month; always six rows, so paging months never changes the grid's height.
 */
export function monthWeeks(month: string): (string | null)[][] {
  const first = `${month}-01`;
  const weeks: (string | null)[][] = [];
  let week: (string | null)[] = Array.from({ length: weekday(first) }, () => null);
  for (let day = first; monthKey(day) === month; day = addDays(day, 1)) {
    week.push(day);
    if (week.length === 7) {
      weeks.push(week);
      week = [];
    }
  }
  if (week.length) weeks.push([...week, ...Array.from({ length: 7 - week.length }, () => null)]);
  while (weeks.length < 6) weeks.push(Array.from({ length: 7 }, () => null));
  return weeks;
}
