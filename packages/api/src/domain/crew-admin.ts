/**
 * Dispatch fills or changes a crew job's seats (admin.assignSeat): under a lock on the job row, in one
 * transaction. A new lead (seat 1) of an assigned job takes over its assignment; the seat that fills the
 * crew assigns the job, as a pro's claim would. The seat keys still hold: one pro per seat, within the crew.
 * The new holder's visit is placed in their day (crew-visits.ts); the replaced holder's is freed.
 */
import { dispatchJobs, eq, isExclusionViolation, jobCrewSeats, newAssignmentId, pros, sql, type Database, type DbOrTx } from '@h2s/db';
import { assignFullCrew, crewOf, type CrewView } from './crew';
import { holdSeatVisit, promoteLeadVisit, releaseVisit } from './crew-visits';
import type { DriveMinutes } from './dayplan/fit';
import { lockProDay, VISIT_CONSTRAINT } from './dayplan/place';
import { DriveNotFetched, drivesForPlacing, productTravelTimes, type TravelTimes } from './dayplan/travel';
import { conflict, fieldError, notFound } from './errors';
import { recordJobEvent, type Actor } from './events';
import { PRO_ALREADY_BUSY, PRO_DAY_FULL } from './job-commands';
import { enqueueProUnassignedEmail } from './pro-unassigned';

export async function assignSeat(
  db: Database,
  input: { jobId: string; seat: number; proId: string },
  admin: Actor,
  now: Date,
  travel: TravelTimes = productTravelTimes(),
): Promise<CrewView> {
  for (let attempt = 1; ; attempt++) {
    try {
      // The drives for placing the pro's visit, read before the transaction (no network inside one).
      const drive = await drivesForPlacing(db, travel, input.jobId, input.proId);
      await db.transaction((tx) => seatInTransaction(tx, input, admin, now, drive));
      return await crewOf(db, input.jobId);
    } catch (error) {
      if (error instanceof DriveNotFetched && attempt < 5) continue;
      if (isExclusionViolation(error, VISIT_CONSTRAINT)) throw conflict(PRO_ALREADY_BUSY);
      throw error;
    }
  }
}

async function seatInTransaction(
  tx: DbOrTx,
  { jobId, seat, proId }: { jobId: string; seat: number; proId: string },
  admin: Actor,
  now: Date,
  drive: DriveMinutes,
): Promise<void> {
  await lockProDay(tx, proId);
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
  const seatId = newAssignmentId();
  if (current) {
    // The replaced pro's visit is freed first (the seated row's key points at the seat being changed).
    await releaseVisit(tx, jobId, current.proId, now);
    await tx.update(jobCrewSeats).set({ proId, claimedAt: now, assignedBy: admin.userId }).where(eq(jobCrewSeats.id, current.id));
  } else {
    await tx
      .insert(jobCrewSeats)
      .values({ id: seatId, jobId, crewSize: job.crewSize, seat, proId, claimedAt: now, assignedBy: admin.userId });
    await tx
      .update(dispatchJobs)
      .set({ seatsTaken: sql`${dispatchJobs.seatsTaken} + 1`, updatedAt: now })
      .where(eq(dispatchJobs.id, jobId));
  }
  // The new holder's own visit in their day (acknowledged when they open it).
  await holdSeatVisit(tx, { id: seatId, jobId, proId, byDispatch: true }, now, drive, PRO_DAY_FULL);
  const { eventId } = await recordJobEvent(tx, jobId, current ? 'reassigned' : 'assigned', admin, {
    seat,
    proId,
    ...(current ? { previousProId: current.proId } : {}),
  });
  // The pro taken off the seat is told (issue 22), once per change.
  if (current) await enqueueProUnassignedEmail(tx, { jobId, orderId: job.orderId, proId: current.proId, eventId, seat });
  if (seat === 1 && job.assignedProId) {
    // The lead changed on an assigned job: the new lead's visit becomes the job's assignment.
    await tx.update(dispatchJobs).set({ assignedProId: proId, updatedAt: now }).where(eq(dispatchJobs.id, jobId));
    await promoteLeadVisit(tx, jobId, proId, now);
  } else if (!current && seats.length + 1 === job.crewSize && !job.assignedProId) {
    await assignFullCrew(tx, jobId, job.orderId, admin, now);
  }
}
