/**
 * Dispatch assigning a pro on their day off or outside their working hours: warned first, and done
 * only with a reason, which the assignment's history keeps. The hours rule is reach.ts's, the one
 * offers use, so "outside their hours" here means the pro would never have been offered it.
 */
import { sql, type Database } from '@h2s/db';
import { needsConfirmation } from './errors';
import { withinHoursSql } from './reach';

/** The reason to keep with the assignment, or null when the job falls inside the pro's hours; throws to ask for one. */
export async function checkAssignmentHours(db: Database, jobId: string, proId: string, reason: string | undefined): Promise<string | null> {
  const [row] = await db.execute<{ within: boolean; day_off: boolean; name: string; day: string }>(sql`
    select ${withinHoursSql('j', 'p')} as within,
           exists (select 1 from pro_days_off d where d.pro_id = p.user_id and d.day = (j.due_at at time zone p.timezone)::date) as day_off,
           u.name, to_char(j.due_at at time zone p.timezone, 'FMDay, FMMonth FMDD') as day
      from dispatch_jobs j, pros p join users u on u.id = p.user_id
     where j.id = ${jobId} and p.user_id = ${proId}`);
  if (!row || row.within) return null; // a missing job or pro is assignJob's to report
  if (reason) return reason;
  const why = row.day_off ? `${row.day} is ${row.name}'s day off` : `This visit is outside ${row.name}'s working hours on ${row.day}`;
  throw Object.assign(needsConfirmation(`${why}. Say why to assign anyway; the reason is kept in the job's history.`), {
    needsReason: true as const,
  });
}
