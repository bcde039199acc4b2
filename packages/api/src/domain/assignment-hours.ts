/**
 * Dispatch assigning a pro on their day off or outside their working hours: warned first, and done
 * only with a reason, which the assignment's history keeps. "Inside their hours" is the hours rule
 * fitIntoDay and the planner use (dayplan/hours.ts) over the same day loadProDay reads: the whole
 * promised window inside the pro's shift that local date, not on a day off.
 */
import { sql, type Database } from '@h2s/db';
import { needsConfirmation } from './errors';
import { loadJobForPro, loadProDay } from './dayplan/day';
import { hoursVerdict } from './dayplan/hours';

/** The reason to keep with the assignment, or null when the job falls inside the pro's hours; throws to ask for one. */
export async function checkAssignmentHours(db: Database, jobId: string, proId: string, reason: string | undefined): Promise<string | null> {
  const found = await loadJobForPro(db, jobId, proId);
  if (!found) return null; // unscheduled (no window yet), or a missing job or pro: assignJob's to report
  const day = await loadProDay(db, proId, found.date);
  if (!day || hoursVerdict(day.shift, found.job.window) === 'within') return null;
  if (reason) return reason;
  const [row] = await db.execute<{ name: string; day: string }>(sql`
    select u.name, to_char(${found.date}::date, 'FMDay, FMMonth FMDD') as day from users u where u.id = ${proId}`);
  const name = row?.name ?? 'the pro';
  const label = row?.day ?? found.date;
  const why = day.dayOff ? `${label} is ${name}'s day off` : `This visit is outside ${name}'s working hours on ${label}`;
  throw Object.assign(needsConfirmation(`${why}. Say why to assign anyway; the reason is kept in the job's history.`), {
    needsReason: true as const,
  });
}
