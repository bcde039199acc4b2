/**
 * Writes a live assignment's planned visit: the one write every path that gives a pro a scheduled job
 * runs inside its transaction (accept, assign, a reschedule, an applied plan). The exclusion constraint
 * job_assignments_pro_visit_excl is what finally decides; this picks the place and explains a refusal.
 */
import { sql, type DbOrTx } from '@h2s/db';
import { fitIntoDay, type DriveMinutes, type Fit } from './fit';
import { loadJobForPro, loadProDay } from './day';

/** The exclusion constraint that keeps a pro's live visits apart (migration 0010). */
export const VISIT_CONSTRAINT = 'job_assignments_pro_visit_excl';

export type Placement = { placed: true; fit: Fit } | { placed: false; reason: string } | { placed: 'unscheduled' };

/** Serializes changes to one pro's day (accepts, assigns, moves) until the transaction ends. */
export async function lockProDay(tx: DbOrTx, proId: string): Promise<void> {
  await tx.execute(sql`select 1 from pros where user_id = ${proId} for no key update`);
}

/** Where the job would go in the pro's day (read only). */
export interface PlaceOptions {
  /** An admin's assignment confirmed outside the pro's hours or on a day off. */
  outsideHours?: boolean;
  /** Start the visit as near this time as the day allows (an applied plan's start); else the cheapest place. */
  prefer?: Date;
}

const HALF_DAY_MS = 12 * 3_600_000;

export async function findPlace(
  tx: DbOrTx,
  jobId: string,
  proId: string,
  drive: DriveMinutes,
  options: PlaceOptions = {},
): Promise<Placement> {
  const found = await loadJobForPro(tx, jobId, proId);
  if (!found) return { placed: 'unscheduled' };
  const { job, date } = found;
  const day = await loadProDay(tx, proId, date, jobId);
  if (!day) return { placed: false, reason: 'the pro was not found' };
  // Dispatch confirmed working outside the pro's hours (with a reason, kept in the history): the
  // day is as long as the job needs; travel and the pro's other visits still count.
  const shift = options.outsideHours
    ? { start: new Date(job.window.start.getTime() - HALF_DAY_MS), end: new Date(job.window.end.getTime() + HALF_DAY_MS) }
    : day.shift;
  const result = fitIntoDay({ ...day, shift }, job, drive, options.prefer);
  return result.fits ? { placed: true, fit: result.fit } : { placed: false, reason: result.reason };
}

/**
 * Places the job in the pro's day and writes the planned visit on its live assignment (and the next
 * visit's new drive). Call with the pro's day locked (lockProDay). An unscheduled job has no visit.
 */
export async function placeVisit(
  tx: DbOrTx,
  assignmentId: string,
  jobId: string,
  proId: string,
  drive: DriveMinutes,
  options: PlaceOptions = {},
): Promise<Placement> {
  // An unscheduled job has no visit (the accepting write left the columns null).
  const placement = await findPlace(tx, jobId, proId, drive, options);
  if (placement.placed !== true) return placement;
  const { fit } = placement;
  if (fit.next) {
    // The next visit now comes from this job: its drive (and so its range) changes, never its times.
    await tx.execute(sql`update job_assignments set drive_minutes = ${fit.next.driveMinutes},
                                visit_range = tstzrange(planned_arrival - make_interval(mins => ${fit.next.driveMinutes}), planned_end, '[)')
                          where id = ${fit.next.assignmentId}`);
  }
  const arrival = fit.arrival.toISOString();
  await tx.execute(sql`update job_assignments set planned_arrival = ${arrival}::timestamptz, planned_start = ${fit.start.toISOString()}::timestamptz,
                              planned_end = ${fit.end.toISOString()}::timestamptz, drive_minutes = ${fit.driveMinutes},
                              visit_range = tstzrange(${arrival}::timestamptz - make_interval(mins => ${fit.driveMinutes}), ${fit.end.toISOString()}::timestamptz, '[)')
                        where id = ${assignmentId}`);
  return placement;
}
