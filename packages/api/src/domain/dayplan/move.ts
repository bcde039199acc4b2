/**
 * A held job whose window moved: every live visit placed again in its pro's day, or the job released.
 * One path for a one-pro job (its accepted assignment) and a crew job (each seat-holder's row).
 */
import { dispatchJobs, eq, isExclusionViolation, jobCrewSeats, jobWindowSql, sql, type Database, type DbOrTx } from '@h2s/db';
import { estimatedTravelTimes } from '@h2s/routing';
import { TransactionRollbackError } from 'drizzle-orm';
import { releaseVisit } from '../crew-visits';
import { recordJobEvent, type Actor } from '../events';
import { openForOffers } from '../offer-timers';
import type { DispatchPolicy } from '../policy';
import type { DriveMinutes } from './fit';
import { lockProDay, placeVisit, VISIT_CONSTRAINT } from './place';
import { drivesForPlacing } from './travel';

const isRollback = (error: unknown) => error instanceof TransactionRollbackError;

/**
 * The job's window moved (a reschedule, or a first schedule of an accepted job): each live assignment
 * (the pro's, or every seat-holder's of a crew job) is placed again in its own day. If any pro is busy
 * at the new time (the exclusion constraint refuses, or the day has no room), all of them are released
 * (a crew's seats emptied, so claims start again at the lead's seat) and the job goes back to offers,
 * each pro told by a `released` event. Returns whether the job was released.
 */
export async function moveAssignmentWindow(
  tx: Database | DbOrTx,
  jobId: string,
  actor: Actor,
  now: Date,
  policy: DispatchPolicy,
): Promise<boolean> {
  const live = await tx.execute<{ id: string; pro_id: string; crew: boolean }>(
    sql`select a.id, a.pro_id, j.crew_size > 1 as crew
          from job_assignments a join dispatch_jobs j on j.id = a.job_id
         where a.job_id = ${jobId} and a.state in ('accepted', 'seated') order by a.pro_id`,
  );
  if (!live.length) return false;
  // Days locked in pro order, as every path that places visits does.
  for (const row of live) await lockProDay(tx, row.pro_id);
  // Inside the caller's transaction: the coordinate estimate (no network), whatever ROUTING_URL says.
  const drives = new Map<string, DriveMinutes>();
  for (const row of live) drives.set(row.pro_id, await drivesForPlacing(tx, estimatedTravelTimes(), jobId, row.pro_id));
  const window = jobWindowSql(sql`(select due_at from dispatch_jobs where id = ${jobId})`);
  try {
    // A savepoint: a refused placement is undone without losing the rest of the transaction.
    const placed = await (tx as Database).transaction(async (sp) => {
      for (const row of live) {
        await sp.execute(sql`update job_assignments set window_range = ${window} where id = ${row.id}`);
        const placement = await placeVisit(sp, row.id, jobId, row.pro_id, drives.get(row.pro_id)!);
        if (placement.placed === false) sp.rollback();
      }
      return true;
    });
    if (placed) return false;
  } catch (error) {
    if (!isExclusionViolation(error, VISIT_CONSTRAINT) && !isRollback(error)) throw error;
  }
  for (const row of live) await releaseVisit(tx, jobId, row.pro_id, now);
  await tx.delete(jobCrewSeats).where(eq(jobCrewSeats.jobId, jobId));
  const [job] = await tx
    .update(dispatchJobs)
    .set({ assignedProId: null, seatsTaken: 0, status: 'scheduled', updatedAt: now })
    .where(eq(dispatchJobs.id, jobId))
    .returning({ dueAt: dispatchJobs.dueAt });
  const message = live[0]!.crew
    ? 'The customer moved this crew job to a time one of its pros already has a job; it is back in offers.'
    : 'The customer moved this job to a time you already have a job; it is back in offers.';
  for (const row of live) {
    await recordJobEvent(tx, jobId, 'released', actor, {
      proId: row.pro_id,
      reason: 'rescheduled-into-busy-window',
      message,
      dueAt: job?.dueAt?.toISOString() ?? null,
    });
  }
  await openForOffers(tx, jobId, now, policy);
  return true;
}
