/** A held job whose window moved: its visit placed again in the pro's day, or the pro released. */
import { and, eq, isExclusionViolation, jobAssignments, jobWindowSql, sql, dispatchJobs, type Database, type DbOrTx } from '@h2s/db';
import { estimatedTravelTimes } from '@h2s/routing';
import { TransactionRollbackError } from 'drizzle-orm';
import { recordJobEvent, type Actor } from '../events';
import { openForOffers } from '../offer-timers';
import type { DispatchPolicy } from '../policy';
import { isCrewJob, moveCrewVisits } from '../crew-visits';
import { lockProDay, placeVisit, VISIT_CONSTRAINT } from './place';
import { drivesForPlacing } from './travel';

const isRollback = (error: unknown) => error instanceof TransactionRollbackError;

/**
 * The job's window moved (a reschedule, or a first schedule of an accepted job): the live assignment
 * follows it. If the pro is busy at the new time the exclusion constraint refuses, and the job goes
 * back to offers instead, the pro told by a `released` event. Returns whether the pro was released.
 */
export async function moveAssignmentWindow(
  tx: Database | DbOrTx,
  jobId: string,
  actor: Actor,
  now: Date,
  policy: DispatchPolicy,
): Promise<boolean> {
  // A crew job: every seat-holder's visit moves (crew-visits.ts).
  if (await isCrewJob(tx, jobId)) return moveCrewVisits(tx, jobId, actor, now, policy);
  const [live] = await tx
    .select()
    .from(jobAssignments)
    .where(and(eq(jobAssignments.jobId, jobId), eq(jobAssignments.state, 'accepted')));
  if (!live) return false;
  const window = jobWindowSql(sql`(select due_at from dispatch_jobs where id = ${jobId})`);
  await lockProDay(tx, live.proId);
  // Inside the caller's transaction: the coordinate estimate (no network), whatever ROUTING_URL says.
  const drive = await drivesForPlacing(tx, estimatedTravelTimes(), jobId, live.proId);
  try {
    // A savepoint: the refused update is undone without losing the rest of the transaction.
    const placed = await (tx as Database).transaction(async (sp) => {
      await sp.update(jobAssignments).set({ windowRange: window }).where(eq(jobAssignments.id, live.id));
      const placement = await placeVisit(sp, live.id, jobId, live.proId, drive);
      if (placement.placed === false) sp.rollback();
      return true;
    });
    if (placed) return false;
  } catch (error) {
    if (!isExclusionViolation(error, VISIT_CONSTRAINT) && !isRollback(error)) throw error;
  }
  await tx
    .update(jobAssignments)
    .set({
      state: 'released',
      releasedAt: now,
      windowRange: null,
      plannedArrival: null,
      plannedStart: null,
      plannedEnd: null,
      driveMinutes: null,
      visitRange: null,
    })
    .where(eq(jobAssignments.id, live.id));
  const [job] = await tx
    .update(dispatchJobs)
    .set({ assignedProId: null, status: 'scheduled', updatedAt: now })
    .where(eq(dispatchJobs.id, jobId))
    .returning({ dueAt: dispatchJobs.dueAt });
  await recordJobEvent(tx, jobId, 'released', actor, {
    proId: live.proId,
    reason: 'rescheduled-into-busy-window',
    message: 'The customer moved this job to a time you already have a job; it is back in offers.',
    dueAt: job?.dueAt?.toISOString() ?? null,
  });
  await openForOffers(tx, jobId, now, policy);
  return true;
}
