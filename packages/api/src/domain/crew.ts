/**
 * Crew jobs: a job whose bundles need more than one pro (`crew_size`) is offered as seats. Each pro
 * claims one seat with ONE conditional UPDATE of the job's `seats_taken` counter (`seats_taken <
 * crew_size`): PostgreSQL re-checks it after each racing winner commits, so every seat has exactly one
 * winner and everyone past the last seat matches no row. The seat row (unique per job and seat, and
 * per job and pro; its seat number within the crew size by a foreign key and a check) records who
 * holds it. The first claimant leads (seat 1). When the last seat is filled the job is assigned to the
 * lead, in the same transaction, as a one-pro job is when accepted: until then it stays open to offers
 * (and widens, then escalates, as any unclaimed job). Each seat-holder's visit is placed in their own
 * day as they claim (crew-visits.ts): a pro busy at that time is refused with the reason, and the
 * exclusion constraint on visits has the last word.
 */
import {
  and,
  asc,
  eq,
  isDeadlock,
  isExclusionViolation,
  isUniqueViolation,
  jobCrewSeats,
  jobWindowSql,
  newAssignmentId,
  sql,
  users,
  type Database,
  type DbOrTx,
} from '@h2s/db';
import { conflict, notFound } from './errors';
import { recordJobEvent, type Actor } from './events';
import { holdSeatVisit, promoteLeadVisit } from './crew-visits';
import type { DriveMinutes } from './dayplan/fit';
import { lockProDay, VISIT_CONSTRAINT } from './dayplan/place';
import { acceptedAssignmentSql, ALREADY_BUSY, DOES_NOT_FIT, type AcceptResult } from './job-commands';
import { enqueueEmail } from './notifications';
import { holdsSkillsSql, withinReachSql } from './reach';

export const SEATS_TAKEN = 'Every seat on this job is taken';

export interface SeatResult extends AcceptResult {
  seat: { number: number; of: number; lead: boolean };
}

type Claimed = {
  seat: number;
  crew_size: number;
  order_id: string;
};

/**
 * A pro claims a seat of a crew job. Returns the seat (the same one again for a repeat), 'not-crew'
 * for a one-pro job (the ordinary accept decides those), 'full' when every seat is taken, or
 * 'refused' when this pro may not take it (reach, skills, paused, busy; the caller explains).
 */
export async function claimCrewSeat(
  db: Database,
  jobId: string,
  proId: string,
  now: Date,
  drive: DriveMinutes,
): Promise<SeatResult | 'not-crew' | 'full' | 'refused'> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(async (tx) => {
        // The pro's day first (as accept does), so one pro's claims and accepts place visits in turn.
        await lockProDay(tx, proId);
        const at = now.toISOString();
        const [claimed] = await tx.execute<Claimed>(sql`
          update dispatch_jobs j set seats_taken = j.seats_taken + 1, updated_at = ${at}::timestamptz
            from pros p
           where j.id = ${jobId} and j.crew_size > 1 and j.seats_taken < j.crew_size
             and j.assigned_pro_id is null and j.status in ('queued', 'scheduled')
             and p.user_id = ${proId} and p.active and ${holdsSkillsSql('j', 'p')} and ${withinReachSql('j', 'p')}
             and not exists (select 1 from job_crew_seats s where s.job_id = j.id and s.pro_id = p.user_id)
          returning j.seats_taken as seat, j.crew_size, j.order_id`);
        if (!claimed) return refusal(tx, jobId, proId);
        const seatId = newAssignmentId();
        await tx.insert(jobCrewSeats).values({ id: seatId, jobId, crewSize: claimed.crew_size, seat: claimed.seat, proId, claimedAt: now });
        // The seat-holder's own visit, in their day, under the no-overlap constraint (crew-visits.ts).
        await holdSeatVisit(tx, { id: seatId, jobId, proId, byDispatch: false }, now, drive, DOES_NOT_FIT);
        const actor: Actor = { userId: proId, role: 'pro' };
        await recordJobEvent(tx, jobId, 'accepted', actor, { seat: claimed.seat, crewSize: claimed.crew_size, seatId });
        if (claimed.seat === claimed.crew_size) await assignFullCrew(tx, jobId, claimed.order_id, actor, now);
        return {
          jobId,
          proId,
          assignmentId: seatId,
          state: 'accepted' as const,
          seat: { number: claimed.seat, of: claimed.crew_size, lead: claimed.seat === 1 },
        };
      });
    } catch (error) {
      if (isExclusionViolation(error, VISIT_CONSTRAINT)) throw conflict(ALREADY_BUSY);
      // The same pro twice at once: the later insert meets the (job, pro) key; it then finds its seat.
      if ((isUniqueViolation(error) || isDeadlock(error)) && attempt < 3) continue;
      throw error;
    }
  }
}

/** Why a claim matched no row: this pro's seat already (a repeat), a one-pro job, every seat taken, or refused. */
async function refusal(tx: DbOrTx, jobId: string, proId: string): Promise<SeatResult | 'not-crew' | 'full' | 'refused'> {
  const [mine] = await tx
    .select()
    .from(jobCrewSeats)
    .where(and(eq(jobCrewSeats.jobId, jobId), eq(jobCrewSeats.proId, proId)));
  if (mine) {
    // Their own live row (a seat dispatch gave them has an id of its own, not the seat's).
    const [row] = await tx.execute<{ id: string }>(
      sql`select id from job_assignments where job_id = ${jobId} and pro_id = ${proId} and state in ('seated', 'accepted')`,
    );
    return {
      jobId,
      proId,
      assignmentId: row?.id ?? mine.id,
      state: 'accepted',
      seat: { number: mine.seat, of: mine.crewSize, lead: mine.seat === 1 },
    };
  }
  const [job] = await tx.execute<{ crew_size: number; seats_taken: number; assigned: boolean }>(
    sql`select crew_size, seats_taken, assigned_pro_id is not null as assigned from dispatch_jobs where id = ${jobId}`,
  );
  if (!job || job.crew_size === 1) return 'not-crew';
  return job.seats_taken >= job.crew_size || job.assigned ? 'full' : 'refused';
}

/**
 * The last seat is filled: the job is assigned to the lead (seat 1), who takes the visit's steps; the
 * lead's seated row becomes the job's accepted assignment, keeping its visit.
 */
export async function assignFullCrew(tx: DbOrTx, jobId: string, orderId: string, actor: Actor, now: Date): Promise<void> {
  const at = sql`${now.toISOString()}::timestamptz`;
  const [won] = await tx.execute<{ id: string; due_at: string | null; assigned_pro_id: string }>(sql`
    with lead as (select pro_id from job_crew_seats where job_id = ${jobId} and seat = 1)
    update dispatch_jobs j set assigned_pro_id = lead.pro_id, status = 'accepted', updated_at = ${at}
      from lead where j.id = ${jobId} and j.assigned_pro_id is null
    returning j.id, j.due_at, j.assigned_pro_id`);
  if (!won) return;
  let assignmentId = await promoteLeadVisit(tx, jobId, won.assigned_pro_id, now);
  if (!assignmentId) {
    // A lead without a seated row (not written by this version): the assignment, as before, without a visit.
    const [row] = await tx.execute<{ id: string }>(
      acceptedAssignmentSql({
        jobId,
        proId: won.assigned_pro_id,
        at,
        window: jobWindowSql(sql`${won.due_at}::timestamptz`),
        byDispatch: false,
      }),
    );
    assignmentId = row?.id ?? null;
  }
  const { eventId } = await recordJobEvent(tx, jobId, 'assigned', actor, { crewComplete: true, assignmentId });
  await enqueueEmail(tx, { kind: 'pro_assigned', key: `pro_assigned:${jobId}:${eventId}`, orderId, jobId, data: { crew: true } });
}

export interface CrewView {
  size: number;
  confirmed: number;
  /** Seat holders in seat order (the lead first); names for the crew's own eyes. */
  members: { proId: string; name: string; seat: number; lead: boolean }[];
}

/** Who holds the seats of a job (empty for a one-pro job). */
export async function crewOf(db: DbOrTx, jobId: string): Promise<CrewView> {
  const [job] = await db.execute<{ crew_size: number; seats_taken: number }>(
    sql`select crew_size, seats_taken from dispatch_jobs where id = ${jobId}`,
  );
  if (!job) throw notFound('Job');
  const members = await db
    .select({ proId: jobCrewSeats.proId, name: users.name, seat: jobCrewSeats.seat })
    .from(jobCrewSeats)
    .innerJoin(users, eq(users.id, jobCrewSeats.proId))
    .where(eq(jobCrewSeats.jobId, jobId))
    .orderBy(asc(jobCrewSeats.seat));
  return { size: job.crew_size, confirmed: members.length, members: members.map((m) => ({ ...m, lead: m.seat === 1 })) };
}

/** Whether this pro holds a seat of the job (seat holders see the job, its photos and each other). */
export async function holdsSeat(db: DbOrTx, jobId: string, proId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: jobCrewSeats.id })
    .from(jobCrewSeats)
    .where(and(eq(jobCrewSeats.jobId, jobId), eq(jobCrewSeats.proId, proId)));
  return Boolean(row);
}
