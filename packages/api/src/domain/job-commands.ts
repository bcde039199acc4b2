import {
  and,
  dispatchJobs,
  eq,
  inArray,
  isDeadlock,
  isExclusionViolation,
  jobAssignments,
  jobWindowSql,
  newAssignmentId,
  preparedPerDatabase,
  pros,
  sql,
  type Database,
  type DbOrTx,
  type JobAssignment,
  type SQL,
} from '@h2s/db';
import { claimCrewSeat, SEATS_TAKEN } from './crew';
import { conflict, forbidden, JOB_NO_LONGER_AVAILABLE, notFound } from './errors';
import { jobEventInsertSql, jobEventNotifySql, recordJobEvent, type Actor } from './events';
import { enqueueEmail, enqueueEmailSql } from './notifications';
import { enqueueProUnassignedEmail } from './pro-unassigned';
import { lockProDay, placeVisit, VISIT_CONSTRAINT } from './dayplan/place';
import type { DriveMinutes } from './dayplan/fit';
import { DriveNotFetched, drivesForPlacing, productTravelTimes, type TravelTimes } from './dayplan/travel';
import { holdsSkillsSql, withinReachSql } from './reach';

export interface AcceptResult {
  jobId: string;
  proId: string;
  assignmentId: string;
  state: 'accepted';
}

/** The refusal when a pro's new job would overlap a live one (the exclusion constraint's message). */
export const ALREADY_BUSY = 'You already have a job at that time';
/** A pro's accept refused because the job does not fit their day (the reason follows). */
export const DOES_NOT_FIT = 'This job does not fit your day';
/** Dispatch's assign (or seat) refused because the job does not fit that pro's day (the reason follows). */
export const PRO_DAY_FULL = "That pro's day has no room for this job";
/** Dispatch's assign (or seat) refused by the no-overlap constraint. */
export const PRO_ALREADY_BUSY = 'That pro already has a job at that time.';

/**
 * THE write of "this pro holds this job now", as SQL to splice into a statement: inserts the accepted
 * assignment (one per row of `from` when given), or revives the row this pro held before (unique
 * (job, pro)); returns its `id`. A pro's own accept is acknowledged at once; dispatch's waits for the pro.
 */
export const acceptedAssignmentSql = (
  a: { id?: SQL; jobId: SQL | string; proId: SQL | string; at: SQL; window: SQL; byDispatch: boolean },
  from?: SQL,
): SQL => sql`
  insert into job_assignments (id, job_id, pro_id, state, assigned_at, acknowledged_at, window_range)
  select ${a.id ?? newAssignmentId()}, ${a.jobId}, ${a.proId}, 'accepted', ${a.at}, ${a.byDispatch ? sql`null::timestamptz` : a.at}, ${a.window}${from ? sql` from ${from}` : sql``}
  on conflict (job_id, pro_id) do update
    set state = 'accepted', assigned_at = excluded.assigned_at, acknowledged_at = excluded.acknowledged_at,
        released_at = null, completed_at = null, window_range = excluded.window_range,
        planned_arrival = null, planned_start = null, planned_end = null, drive_minutes = null, visit_range = null
  returning id`;

/** Marks (job, pro) accepted (dispatch's assignment: it reads "Assigned by dispatch" until the pro acknowledges it). */
async function upsertAcceptedAssignment(tx: DbOrTx, jobId: string, proId: string, now: Date): Promise<JobAssignment> {
  const window = jobWindowSql(sql`(select due_at from dispatch_jobs where id = ${jobId})`);
  const [upserted] = await tx.execute<{ id: string }>(
    acceptedAssignmentSql({ jobId, proId, at: sql`${now.toISOString()}::timestamptz`, window, byDispatch: true }),
  );
  const [row] = upserted ? await tx.select().from(jobAssignments).where(eq(jobAssignments.id, upserted.id)) : [];
  if (!row) throw new Error('assignment upsert returned nothing');
  return row;
}

async function acceptedAssignment(db: DbOrTx, jobId: string, proId: string) {
  const [row] = await db
    .select()
    .from(jobAssignments)
    .where(and(eq(jobAssignments.jobId, jobId), eq(jobAssignments.proId, proId), inArray(jobAssignments.state, ['accepted', 'completed'])));
  return row;
}

/**
 * A pro accepts an open job. ONE conditional statement decides: the job is still open and unassigned,
 * the pro is active, within reach (1.5x radius once the job has widened) and holds every skill the job
 * needs; and the exclusion constraint on the pro's live windows refuses an overlapping job, racing or
 * not. Racing it, PostgreSQL re-checks `assigned_pro_id is null` after the first commit, so every
 * other pro matches no row. Nothing read outside the UPDATE takes part in deciding; what the statement
 * reads beside it only explains a refusal. The same pro asking again gets the same assignment back.
 * One round trip, won or refused.
 */
export async function acceptJob(
  db: Database,
  jobId: string,
  proId: string,
  now: Date,
  travel: TravelTimes = productTravelTimes(),
): Promise<AcceptResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      const drive = await drivesForPlacing(db, travel, jobId, proId);
      // The pro's day is locked first, so one pro's accepts place their visits one after another;
      // the statement still decides the winner among pros, and the visit constraint has the last word.
      const outcome = await db.transaction(async (tx) => {
        await lockProDay(tx, proId);
        const [row] = await acceptStatement(tx as unknown as Database).execute({
          jobId,
          proId,
          at: now.toISOString(),
          assignmentId: newAssignmentId(),
        });
        const assignmentId = row?.assignment_id ?? row?.mine;
        if (!assignmentId) {
          // A crew job (crew.ts) is claimed seat by seat, in its own transaction.
          if ((row?.crew_size ?? 1) > 1) return { crewRefusal: row?.why ?? null };
          throw whyNotAccepted(row?.why ?? null);
        }
        if (row?.assignment_id) {
          const placement = await placeVisit(tx, assignmentId, jobId, proId, drive);
          if (placement.placed === false) throw conflict(`${DOES_NOT_FIT}: ${placement.reason}.`);
        }
        return { jobId, proId, assignmentId, state: 'accepted' as const };
      });
      if (!('crewRefusal' in outcome)) return outcome;
      const seat = await claimCrewSeat(db, jobId, proId, now, drive);
      if (typeof seat === 'object') return seat;
      if (seat === 'full') throw conflict(SEATS_TAKEN);
      throw whyNotAccepted(outcome.crewRefusal ?? null);
    } catch (error) {
      if (isExclusionViolation(error, VISIT_CONSTRAINT)) throw conflict(ALREADY_BUSY);
      if ((isDeadlock(error) || error instanceof DriveNotFetched) && attempt < 5) continue;
      throw error;
    }
  }
}

interface WhyNot {
  active: boolean;
  skilled: boolean;
  reachable: boolean;
  missing: string[];
}
interface AcceptRow {
  crew_size: number | null;
  assignment_id: string | null;
  mine: string | null;
  why: WhyNot | null;
}

/**
 * The hot path, so one statement instead of a transaction of five, prepared once per connection (its
 * parameters: jobId, proId, at, assignmentId): the conditional UPDATE picks the winner, and the
 * winner's assignment, audit row, email and NOTIFY (what recordJobEvent writes) ride along in
 * data-modifying CTEs built from the same SQL the ordinary path runs (acceptedAssignmentSql,
 * jobEventInsertSql). A statement is atomic: all of it happens, or none. A refused pro also gets, in
 * the same round trip, what explains the refusal (`why`; read, never used to decide).
 */
const acceptStatement = preparedPerDatabase<AcceptRow>('h2s_accept_job', () => {
  const jobId = sql`${sql.placeholder('jobId')}::text`;
  const proId = sql`${sql.placeholder('proId')}::text`;
  const at = sql`${sql.placeholder('at')}::timestamptz`;
  return sql`
    with won as (
      update dispatch_jobs j set assigned_pro_id = p.user_id, status = 'accepted', updated_at = ${at}
        from pros p
       where j.id = ${jobId} and j.assigned_pro_id is null and j.status in ('queued', 'scheduled')
         and p.user_id = ${proId} and p.active and ${holdsSkillsSql('j', 'p')} and ${withinReachSql('j', 'p')} and j.crew_size = 1
      returning j.id, j.due_at
    ), assignment as (
      ${acceptedAssignmentSql({ id: sql`${sql.placeholder('assignmentId')}::text`, jobId: sql`won.id`, proId, at, window: jobWindowSql(sql`won.due_at`), byDispatch: false }, sql`won`)}
    ), event as (
      ${jobEventInsertSql({ jobId, type: 'accepted', actor: { userId: proId, role: 'pro' }, data: sql`jsonb_build_object('assignmentId', assignment.id)` }, sql`assignment`)}
    ), mine as (
      select id from job_assignments where job_id = ${jobId} and pro_id = ${proId} and state = 'accepted'
    )
    select (select id from assignment) as assignment_id,
           (select ${enqueueEmailSql({ kind: 'pro_assigned', key: sql`'pro_assigned:' || ${jobId} || ':' || event.id`, orderId: sql`(select order_id from dispatch_jobs where id = ${jobId})`, jobId, data: sql`jsonb_build_object('proId', ${proId})` })} from event) as emailed,
           (select id from mine) as mine,
           (select crew_size from dispatch_jobs where id = ${jobId}) as crew_size,
           (select ${jobEventNotifySql(sql`event`)} from event) as notified,
           case when not exists (select 1 from assignment) and not exists (select 1 from mine) then
             (select jsonb_build_object('active', p.active, 'skilled', ${holdsSkillsSql('j', 'p')}, 'reachable', ${withinReachSql('j', 'p')},
                                        'missing', array(select s from unnest(j.skills) s where not s = any(p.skills)))
                from dispatch_jobs j, pros p where j.id = ${jobId} and p.user_id = ${proId})
           end as why`;
});

/** Explains a refused accept from what the statement read beside it (never used to decide it). */
function whyNotAccepted(why: WhyNot | null) {
  if (!why) return notFound('Job');
  // Reasons about the pro first: a job never offered to them is "not for you", taken or not.
  if (!why.active) return forbidden('Your account is paused; contact dispatch.');
  if (!why.reachable) return forbidden('This job is outside your service area.');
  if (!why.skilled) return forbidden(`This job needs skills you do not have: ${why.missing.join(', ')}.`);
  return conflict(JOB_NO_LONGER_AVAILABLE);
}

/**
 * Dispatch assigns a job to a pro, or moves it from one pro to another: the old assignment is
 * released before the new one is accepted, under a lock on the job row, in one transaction. The pro
 * must hold the job's skills; the exclusion constraint refuses a pro busy at that time.
 */
export async function assignJob(
  db: Database,
  jobId: string,
  proId: string,
  admin: Actor,
  now: Date,
  options: {
    /** Drive times for placing the visit (the product's TravelTimes by default). */
    travel?: TravelTimes;
    /** Kept with the assignment's event (e.g. why dispatch assigned outside the pro's hours). */
    note?: Record<string, unknown>;
    /** Start the visit as near this as the pro's day allows (an applied plan's start). */
    prefer?: Date;
  } = {},
): Promise<JobAssignment> {
  const travel = options.travel ?? productTravelTimes();
  for (let attempt = 1; ; attempt++) {
    try {
      const drive = await drivesForPlacing(db, travel, jobId, proId);
      return await assignInTransaction(db, jobId, proId, admin, now, drive, options.note ?? {}, options.prefer);
    } catch (error) {
      if (error instanceof DriveNotFetched && attempt < 5) continue;
      throw error;
    }
  }
}

async function assignInTransaction(
  db: Database,
  jobId: string,
  proId: string,
  admin: Actor,
  now: Date,
  drive: DriveMinutes,
  note: Record<string, unknown>,
  prefer: Date | undefined,
): Promise<JobAssignment> {
  try {
    return await db.transaction(async (tx) => {
      await lockProDay(tx, proId);
      const [job] = await tx.select().from(dispatchJobs).where(eq(dispatchJobs.id, jobId)).for('update');
      if (!job) throw notFound('Job');
      const [pro] = await tx.select({ id: pros.userId, active: pros.active, skills: pros.skills }).from(pros).where(eq(pros.userId, proId));
      if (!pro) throw notFound('Pro');
      if (!pro.active) throw conflict('That pro is paused.');
      if (job.status === 'completed' || job.status === 'cancelled') throw conflict(`This job is ${job.status}.`);
      const missing = job.skills.filter((skill) => !pro.skills.includes(skill));
      if (missing.length) throw conflict(`That pro lacks skills this job needs: ${missing.join(', ')}.`);
      if (job.assignedProId === proId) {
        const current = await acceptedAssignment(tx, jobId, proId);
        if (current) return current;
      }
      const previousProId = job.assignedProId;
      if (previousProId) {
        await tx
          .update(jobAssignments)
          .set({ state: 'released', releasedAt: now })
          .where(and(eq(jobAssignments.jobId, jobId), eq(jobAssignments.state, 'accepted')));
        const released = await recordJobEvent(tx, jobId, 'released', admin, { proId: previousProId });
        await enqueueProUnassignedEmail(tx, { jobId, orderId: job.orderId, proId: previousProId, eventId: released.eventId });
      }
      await tx.update(dispatchJobs).set({ assignedProId: proId, status: 'accepted', updatedAt: now }).where(eq(dispatchJobs.id, jobId));
      const assignment = await upsertAcceptedAssignment(tx, jobId, proId, now);
      const placement = await placeVisit(tx, assignment.id, jobId, proId, drive, { outsideHours: 'offHoursReason' in note, prefer });
      if (placement.placed === false) throw conflict(`${PRO_DAY_FULL}: ${placement.reason}.`);
      const { eventId } = await recordJobEvent(tx, jobId, previousProId ? 'reassigned' : 'assigned', admin, {
        proId,
        ...(previousProId ? { previousProId } : {}),
        assignmentId: assignment.id,
        ...note,
      });
      await enqueueEmail(tx, {
        kind: 'pro_assigned',
        key: `pro_assigned:${jobId}:${eventId}`,
        orderId: job.orderId,
        jobId,
        data: { proId },
      });
      return assignment;
    });
  } catch (error) {
    if (isExclusionViolation(error, VISIT_CONSTRAINT)) throw conflict(PRO_ALREADY_BUSY);
    throw error;
  }
}

export { moveAssignmentWindow } from './dayplan/move';
