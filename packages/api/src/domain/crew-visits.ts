/**
 * Each seat-holder of a crew job has a planned visit of their own (migration 0014): a job_assignments
 * row in state 'seated' (their arrival, their drive), placed in their day by the same path as accept
 * and assign (dayplan/place.ts), and held by the same exclusion constraint, job_assignments_pro_visit_excl.
 * The lead's row becomes the job's 'accepted' assignment when the crew is complete, keeping its visit.
 */
import { jobWindowSql, sql, type DbOrTx } from '@h2s/db';
import { conflict } from './errors';
import type { DriveMinutes } from './dayplan/fit';
import { placeVisit } from './dayplan/place';

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

/** The pro leaves the job (released back to offers, their seat given to another, or the crew released): their live visit is freed. */
export async function releaseVisit(tx: DbOrTx, jobId: string, proId: string, now: Date): Promise<void> {
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
