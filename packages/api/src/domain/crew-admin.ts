/**
 * Dispatch fills or changes a crew job's seats (admin.assignSeat): under a lock on the job row, in one
 * transaction. A new lead (seat 1) of an assigned job takes over its assignment; the seat that fills the
 * crew assigns the job, as a pro's claim would. The seat keys still hold: one pro per seat, within the crew.
 */
import {
  and,
  dispatchJobs,
  eq,
  isExclusionViolation,
  jobAssignments,
  jobCrewSeats,
  jobWindowSql,
  newAssignmentId,
  pros,
  sql,
  type Database,
} from '@h2s/db';
import { assignFullCrew, crewOf, type CrewView } from './crew';
import { conflict, fieldError, notFound } from './errors';
import { recordJobEvent, type Actor } from './events';
import { acceptedAssignmentSql } from './job-commands';
import { enqueueProUnassignedEmail } from './pro-unassigned';

export async function assignSeat(
  db: Database,
  input: { jobId: string; seat: number; proId: string },
  admin: Actor,
  now: Date,
): Promise<CrewView> {
  const { jobId, seat, proId } = input;
  try {
    await db.transaction(async (tx) => {
      const [job] = await tx.select().from(dispatchJobs).where(eq(dispatchJobs.id, jobId)).for('update');
      if (!job) throw notFound('Job');
      if (job.crewSize === 1) throw conflict('This job needs one pro: assign it with admin.assign.');
      if (job.status === 'completed' || job.status === 'cancelled') throw conflict(`This job is ${job.status}.`);
      if (seat < 1 || seat > job.crewSize) throw fieldError(['seat'], `Seat must be 1 to ${job.crewSize}`);
      const [pro] = await tx.select({ active: pros.active, skills: pros.skills }).from(pros).where(eq(pros.userId, proId));
      if (!pro) throw notFound('Pro');
      if (!pro.active) throw conflict('That pro is paused.');
      const missing = job.skills.filter((skill) => !pro.skills.includes(skill));
      if (missing.length) throw conflict(`That pro lacks skills this job needs: ${missing.join(', ')}.`);
      const seats = await tx.select().from(jobCrewSeats).where(eq(jobCrewSeats.jobId, jobId));
      const other = seats.find((s) => s.proId === proId && s.seat !== seat);
      if (other) throw conflict(`That pro already holds seat ${other.seat}.`);
      const current = seats.find((s) => s.seat === seat);
      if (current?.proId === proId) return;
      if (current) {
        await tx.update(jobCrewSeats).set({ proId, claimedAt: now, assignedBy: admin.userId }).where(eq(jobCrewSeats.id, current.id));
      } else {
        await tx
          .insert(jobCrewSeats)
          .values({ id: newAssignmentId(), jobId, crewSize: job.crewSize, seat, proId, claimedAt: now, assignedBy: admin.userId });
        await tx
          .update(dispatchJobs)
          .set({ seatsTaken: sql`${dispatchJobs.seatsTaken} + 1`, updatedAt: now })
          .where(eq(dispatchJobs.id, jobId));
      }
      const { eventId } = await recordJobEvent(tx, jobId, current ? 'reassigned' : 'assigned', admin, {
        seat,
        proId,
        ...(current ? { previousProId: current.proId } : {}),
      });
      if (current) await enqueueProUnassignedEmail(tx, { jobId, orderId: job.orderId, proId: current.proId, eventId, seat });
      if (seat === 1 && job.assignedProId) {
        // The lead changed on an assigned job: the new lead holds the assignment (acknowledged when they open it).
        await tx
          .update(jobAssignments)
          .set({ state: 'released', releasedAt: now, windowRange: null })
          .where(and(eq(jobAssignments.jobId, jobId), eq(jobAssignments.state, 'accepted')));
        await tx.update(dispatchJobs).set({ assignedProId: proId, updatedAt: now }).where(eq(dispatchJobs.id, jobId));
        await tx.execute(
          acceptedAssignmentSql({
            jobId,
            proId,
            at: sql`${now.toISOString()}::timestamptz`,
            window: jobWindowSql(sql`(select due_at from dispatch_jobs where id = ${jobId})`),
            byDispatch: true,
          }),
        );
      } else if (!current && seats.length + 1 === job.crewSize && !job.assignedProId) {
        await assignFullCrew(tx, jobId, job.orderId, admin, now);
      }
    });
  } catch (error) {
    if (isExclusionViolation(error, 'job_assignments_pro_window_excl')) throw conflict('That pro already has a job at that time.');
    throw error;
  }
  return crewOf(db, jobId);
}
