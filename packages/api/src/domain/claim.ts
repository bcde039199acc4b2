import { isWithinRadius } from '@h2s/scoring';
import {
  and,
  dispatchJobs,
  eq,
  inArray,
  isNull,
  jobAssignments,
  newAssignmentId,
  pros,
  sql,
  type Database,
  type DbOrTx,
  type JobAssignment,
} from '@h2s/db';
import { conflict, forbidden, JOB_NO_LONGER_AVAILABLE, notFound } from './errors';
import { jobChangePayload, LIVE_CHANNEL, recordJobEvent, type Actor } from './events';
import { enqueueEmail } from './notifications';

export interface AcceptResult {
  jobId: string;
  proId: string;
  assignmentId: string;
  state: 'accepted';
}

/** Marks (job, pro) accepted, reusing the row if this pro held the job before (unique (job, pro)). */
async function upsertAcceptedAssignment(tx: DbOrTx, jobId: string, proId: string, now: Date): Promise<JobAssignment> {
  const [row] = await tx
    .insert(jobAssignments)
    // Dispatch's assignment: it reads "Assigned by dispatch" until the pro acknowledges it.
    .values({ id: newAssignmentId(), jobId, proId, state: 'accepted', assignedAt: now, acknowledgedAt: null })
    .onConflictDoUpdate({
      target: [jobAssignments.jobId, jobAssignments.proId],
      set: { state: 'accepted', assignedAt: now, acknowledgedAt: null, releasedAt: null, completedAt: null },
    })
    .returning();
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
 * A pro accepts an open job. One conditional UPDATE decides the winner: racing it, PostgreSQL
 * re-checks `assigned_pro_id is null` after the first commit, so every other pro matches no row.
 * The same pro asking again gets the same assignment back.
 */
export async function acceptJob(db: Database, jobId: string, proId: string, now: Date): Promise<AcceptResult> {
  const [target] = await db
    .select({ lat: dispatchJobs.lat, lng: dispatchJobs.lng, proLat: pros.lat, proLng: pros.lng, radius: pros.serviceRadiusMiles, active: pros.active })
    .from(dispatchJobs)
    .innerJoin(pros, eq(pros.userId, proId))
    .where(eq(dispatchJobs.id, jobId));
  if (!target) throw notFound('Job');
  if (!target.active) throw forbidden('Your account is paused; contact dispatch.');
  if (!isWithinRadius(target, { lat: target.proLat, lng: target.proLng, serviceRadiusMiles: target.radius })) {
    throw forbidden('This job is outside your service area.');
  }

  // The hot path, so one statement instead of a transaction of five: the conditional UPDATE picks
  // the winner, and the winner's assignment, audit row and NOTIFY (what recordJobEvent writes) ride
  // along in data-modifying CTEs. A statement is atomic: all of it happens, or none. A loser learns
  // in the same round trip whether it already holds the job (idempotent accept).
  const [row] = await db.execute<{ assignment_id: string | null; mine: string | null }>(sql`
    with won as (
      update dispatch_jobs set assigned_pro_id = ${proId}, status = 'accepted', updated_at = ${now.toISOString()}::timestamptz
       where id = ${jobId} and assigned_pro_id is null and status in ('queued', 'scheduled')
      returning id
    ), assignment as (
      insert into job_assignments (id, job_id, pro_id, state, assigned_at)
      select ${newAssignmentId()}, won.id, ${proId}, 'accepted', ${now.toISOString()}::timestamptz from won
      on conflict (job_id, pro_id) do update
        set state = 'accepted', assigned_at = excluded.assigned_at, acknowledged_at = excluded.acknowledged_at, released_at = null, completed_at = null
      returning id
    ), event as (
      insert into job_events (job_id, actor_user_id, actor_role, type, data)
      select ${jobId}, ${proId}, 'pro', 'accepted', jsonb_build_object('assignmentId', assignment.id) from assignment
      returning id, created_at
    )
    select (select id from assignment) as assignment_id,
           (select enqueue_email('pro_assigned:' || ${jobId} || ':' || event.id, 'pro_assigned',
                                 (select order_id from dispatch_jobs where id = ${jobId}), ${jobId},
                                 jsonb_build_object('proId', ${proId}::text)) from event) as emailed,
           (select id from job_assignments where job_id = ${jobId} and pro_id = ${proId} and state = 'accepted') as mine,
           (select pg_notify(${LIVE_CHANNEL}, ${jobChangePayload(jobId, 'accepted', now)}) from event) as notified`);
  const assignmentId = row?.assignment_id ?? row?.mine;
  if (!assignmentId) throw conflict(JOB_NO_LONGER_AVAILABLE);
  return { jobId, proId, assignmentId, state: 'accepted' };
}

/**
 * Dispatch assigns a job to a pro, or moves it from one pro to another: the old assignment is
 * released before the new one is accepted, under a lock on the job row, in one transaction.
 */
export async function assignJob(db: Database, jobId: string, proId: string, admin: Actor, now: Date): Promise<JobAssignment> {
  return db.transaction(async (tx) => {
    const [job] = await tx.select().from(dispatchJobs).where(eq(dispatchJobs.id, jobId)).for('update');
    if (!job) throw notFound('Job');
    const [pro] = await tx.select({ id: pros.userId, active: pros.active }).from(pros).where(eq(pros.userId, proId));
    if (!pro) throw notFound('Pro');
    if (!pro.active) throw conflict('That pro is paused.');
    if (job.status === 'completed' || job.status === 'cancelled') throw conflict(`This job is ${job.status}.`);
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
    await tx
      .update(dispatchJobs)
      .set({ assignedProId: proId, status: 'accepted', updatedAt: now })
      .where(eq(dispatchJobs.id, jobId));
    const assignment = await upsertAcceptedAssignment(tx, jobId, proId, now);
    const { eventId } = await recordJobEvent(tx, jobId, previousProId ? 'reassigned' : 'assigned', admin, {
      proId,
      ...(previousProId ? { previousProId } : {}),
      assignmentId: assignment.id,
    });
    await enqueueEmail(tx, { kind: 'pro_assigned', key: `pro_assigned:${jobId}:${eventId}`, orderId: job.orderId, jobId, data: { proId } });
    return assignment;
  });
}
