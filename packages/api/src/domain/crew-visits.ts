/**
 * Each seat-holder of a crew job has a planned visit of their own (migration 0014): a job_assignments
 * row in state 'seated' (their arrival, their drive), placed in their day by the same path as accept
 * and assign (dayplan/place.ts), and held by the same exclusion constraint, job_assignments_pro_visit_excl.
 * The lead's row becomes the job's 'accepted' assignment when the crew is complete, keeping its visit.
 */
import { dispatchJobs, eq, isExclusionViolation, jobCrewSeats, jobWindowSql, sql, type Database, type DbOrTx } from '@h2s/db';
import { estimatedTravelTimes } from '@h2s/routing';
import { TransactionRollbackError } from 'drizzle-orm';
import { conflict } from './errors';
import { recordJobEvent, type Actor } from './events';
import { openForOffers } from './offer-timers';
import type { DispatchPolicy } from './policy';
import type { DriveMinutes } from './dayplan/fit';
import { lockProDay, placeVisit, VISIT_CONSTRAINT } from './dayplan/place';
import { drivesForPlacing } from './dayplan/travel';

const noVisit = sql`planned_arrival = null, planned_start = null, planned_end = null, drive_minutes = null, visit_range = null`;

/**
 * The seat-holder's own row (or the row they held before, revived), then their visit placed in their
 * day. Call with the pro's day locked (lockProDay) and their seat row written. Throws CONFLICT with the
 * reason when the job does not fit their day; the constraint refuses an overlap whatever this decides.
 */
export async function holdSeatVisit(
  tx: DbOrTx,
  seat: { id: string; jobId: string; proId: string; byDispatch: boolean },
  now: Date,
  drive: DriveMinutes,
  refusal: string,
): Promise<string> {
  const at = sql`${now.toISOString()}::timestamptz`;
  const [row] = await tx.execute<{ id: string }>(sql`
    insert into job_assignments (id, job_id, pro_id, state, assigned_at, acknowledged_at, window_range)
    select ${seat.id}, j.id, ${seat.proId}, 'seated', ${at}, ${seat.byDispatch ? sql`null::timestamptz` : at}, ${jobWindowSql(sql`j.due_at`)}
      from dispatch_jobs j where j.id = ${seat.jobId}
    on conflict (job_id, pro_id) do update
      set state = 'seated', assigned_at = excluded.assigned_at, acknowledged_at = excluded.acknowledged_at,
          released_at = null, completed_at = null, ${noVisit}, window_range = excluded.window_range
    returning id`);
  if (!row) throw new Error('seat visit upsert returned nothing');
  const placement = await placeVisit(tx, row.id, seat.jobId, seat.proId, drive);
  if (placement.placed === false) throw conflict(`${refusal}: ${placement.reason}.`);
  return row.id;
}

/** The pro leaves the job (their seat given to another, or the crew released): their visit is freed. */
export async function releaseSeatVisit(tx: DbOrTx, jobId: string, proId: string, now: Date): Promise<void> {
  await tx.execute(sql`update job_assignments set state = 'released', released_at = ${now.toISOString()}::timestamptz, window_range = null, ${noVisit}
                        where job_id = ${jobId} and pro_id = ${proId} and state in ('seated', 'accepted')`);
}

/**
 * The crew is complete (or dispatch changed the lead of an assigned job): the lead's seated row becomes
 * the job's accepted assignment, its visit and acknowledgment kept; returns its id.
 */
export async function promoteLeadVisit(tx: DbOrTx, jobId: string, leadId: string, now: Date): Promise<string | null> {
  const at = sql`${now.toISOString()}::timestamptz`;
  const [row] = await tx.execute<{ id: string }>(sql`
    update job_assignments set state = 'accepted', assigned_at = ${at}
     where job_id = ${jobId} and pro_id = ${leadId} and state = 'seated'
    returning id`);
  return row?.id ?? null;
}

const isRollback = (error: unknown) => error instanceof TransactionRollbackError;

/**
 * A crew job's window moved: every seat-holder's visit is placed again in their own day. If any of
 * them is busy at the new time, the whole crew is released (seats emptied, so claims start again at
 * the lead's seat) and the job goes back to offers, each pro told by a `released` event.
 * Returns whether the crew was released.
 */
export async function moveCrewVisits(
  tx: Database | DbOrTx,
  jobId: string,
  actor: Actor,
  now: Date,
  policy: DispatchPolicy,
): Promise<boolean> {
  const live = await tx.execute<{ id: string; pro_id: string }>(
    sql`select id, pro_id from job_assignments where job_id = ${jobId} and state in ('accepted', 'seated') order by pro_id`,
  );
  if (!live.length) return false;
  for (const row of live) await lockProDay(tx, row.pro_id);
  const drives = new Map<string, DriveMinutes>();
  // Inside the caller's transaction: the coordinate estimate (no network), as for a one-pro job.
  for (const row of live) drives.set(row.pro_id, await drivesForPlacing(tx, estimatedTravelTimes(), jobId, row.pro_id));
  try {
    const placed = await (tx as Database).transaction(async (sp) => {
      for (const row of live) {
        await sp.execute(sql`update job_assignments set window_range = ${jobWindowSql(sql`(select due_at from dispatch_jobs where id = ${jobId})`)}
                              where id = ${row.id}`);
        const placement = await placeVisit(sp, row.id, jobId, row.pro_id, drives.get(row.pro_id) ?? (() => 0));
        if (placement.placed === false) sp.rollback();
      }
      return true;
    });
    if (placed) return false;
  } catch (error) {
    if (!isExclusionViolation(error, VISIT_CONSTRAINT) && !isRollback(error)) throw error;
  }
  for (const row of live) await releaseSeatVisit(tx, jobId, row.pro_id, now);
  await tx.delete(jobCrewSeats).where(eq(jobCrewSeats.jobId, jobId));
  const [job] = await tx
    .update(dispatchJobs)
    .set({ assignedProId: null, seatsTaken: 0, status: 'scheduled', updatedAt: now })
    .where(eq(dispatchJobs.id, jobId))
    .returning({ dueAt: dispatchJobs.dueAt });
  for (const row of live) {
    await recordJobEvent(tx, jobId, 'released', actor, {
      proId: row.pro_id,
      reason: 'rescheduled-into-busy-window',
      message: 'The customer moved this crew job to a time one of its pros already has a job; it is back in offers.',
      dueAt: job?.dueAt?.toISOString() ?? null,
    });
  }
  await openForOffers(tx, jobId, now, policy);
  return true;
}

/** Whether the job needs a crew (its visits move seat by seat). */
export async function isCrewJob(tx: DbOrTx, jobId: string): Promise<boolean> {
  const [row] = await tx.execute<{ crew: boolean }>(sql`select crew_size > 1 as crew from dispatch_jobs where id = ${jobId}`);
  return Boolean(row?.crew);
}
