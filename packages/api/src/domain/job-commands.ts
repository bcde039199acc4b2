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
import { openForOffers } from './offer-timers';
import type { DispatchPolicy } from './policy';
import { holdsSkillsSql, withinReachSql } from './reach';

export interface AcceptResult {
  jobId: string;
  proId: string;
  assignmentId: string;
  state: 'accepted';
}

/** The refusal when a pro's new job would overlap a live one (the exclusion constraint's message). */
export const ALREADY_BUSY = 'You already have a job at that time';
const WINDOW_CONSTRAINT = 'job_assignments_pro_window_excl';

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
        released_at = null, completed_at = null, window_range = excluded.window_range
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
export async function acceptJob(db: Database, jobId: string, proId: string, now: Date): Promise<AcceptResult> {
  let row: AcceptRow | undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      [row] = await acceptStatement(db).execute({ jobId, proId, at: now.toISOString(), assignmentId: newAssignmentId() });
      break;
    } catch (error) {
      // Two overlapping accepts by one pro: the constraint refuses the later. When both inserted before
      // either committed, each waits on the other and the deadlock detector aborts one; that one runs
      // the statement again and then meets the winner's committed row (the constraint still decides).
      if (isExclusionViolation(error, WINDOW_CONSTRAINT)) throw conflict(ALREADY_BUSY);
      if (isDeadlock(error) && attempt < 5) continue;
      throw error;
    }
  }
  const assignmentId = row?.assignment_id ?? row?.mine;
  if (assignmentId) return { jobId, proId, assignmentId, state: 'accepted' };
  // A crew job (crew.ts) is claimed seat by seat, in its own transaction.
  if ((row?.crew_size ?? 1) > 1) {
    const seat = await claimCrewSeat(db, jobId, proId, now);
    if (typeof seat === 'object') return seat;
    if (seat === 'full') throw conflict(SEATS_TAKEN);
  }
  throw whyNotAccepted(row?.why ?? null);
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
export async function assignJob(db: Database, jobId: string, proId: string, admin: Actor, now: Date): Promise<JobAssignment> {
  try {
    return await db.transaction(async (tx) => {
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
        await recordJobEvent(tx, jobId, 'released', admin, { proId: previousProId });
      }
      await tx.update(dispatchJobs).set({ assignedProId: proId, status: 'accepted', updatedAt: now }).where(eq(dispatchJobs.id, jobId));
      const assignment = await upsertAcceptedAssignment(tx, jobId, proId, now);
      const { eventId } = await recordJobEvent(tx, jobId, previousProId ? 'reassigned' : 'assigned', admin, {
        proId,
        ...(previousProId ? { previousProId } : {}),
        assignmentId: assignment.id,
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
    if (isExclusionViolation(error, WINDOW_CONSTRAINT)) throw conflict('That pro already has a job at that time.');
    throw error;
  }
}

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
  const [live] = await tx
    .select()
    .from(jobAssignments)
    .where(and(eq(jobAssignments.jobId, jobId), eq(jobAssignments.state, 'accepted')));
  if (!live) return false;
  const window = jobWindowSql(sql`(select due_at from dispatch_jobs where id = ${jobId})`);
  try {
    // A savepoint: the refused update is undone without losing the rest of the transaction.
    await (tx as Database).transaction(async (sp) => {
      await sp.update(jobAssignments).set({ windowRange: window }).where(eq(jobAssignments.id, live.id));
    });
    return false;
  } catch (error) {
    if (!isExclusionViolation(error, WINDOW_CONSTRAINT)) throw error;
  }
  await tx.update(jobAssignments).set({ state: 'released', releasedAt: now, windowRange: null }).where(eq(jobAssignments.id, live.id));
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
