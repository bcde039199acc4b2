/**
 * Offers widen, then escalate: timers on the durable queue (graphile-worker). A job that becomes
 * open (paid, or released back to offers) gets a widen job; widening enqueues the escalate job.
 * The tasks decide from the database and the clock, not from their own timing: each step happens
 * at most once, only while the job is still unclaimed and only when it is due, so a task that runs
 * early, twice or after a restart does the right thing.
 */
import { addJobSql, dequeue, dispatchJobs, enqueue, eq, sql, type Database, type DbOrTx, type SQL } from '@h2s/db';
import { recordJobEvent } from './events';
import type { DispatchPolicy } from './policy';

export const WIDEN_TASK = 'offers.widen';
export const ESCALATE_TASK = 'offers.escalate';
export const widenKey = (jobId: string) => `offers:widen:${jobId}`;
export const escalateKey = (jobId: string) => `offers:escalate:${jobId}`;

const MINUTE = 60_000;
const SYSTEM = { userId: null, role: 'system' } as const;

/**
 * The queue runs on the database server's real time while the app reads its own clock (fixed in
 * tests, shifted by H2S_NOW in demos): schedule the job the same distance ahead in real time.
 */
const runAtFor = (dueAt: Date, now: Date) => new Date(Date.now() + Math.max(0, dueAt.getTime() - now.getTime()));

/**
 * The job is open to offers from `now`: widening and escalation start over. Call inside the
 * transaction that creates or releases the job (the queue job commits with it).
 */
export async function openForOffers(tx: DbOrTx, jobId: string, now: Date, policy: DispatchPolicy): Promise<void> {
  await tx.update(dispatchJobs).set({ openedAt: now, widenedAt: null, needsDispatchAt: null }).where(eq(dispatchJobs.id, jobId));
  await dequeue(tx, escalateKey(jobId));
  await tx.execute(sql`select ${widenTimerSql(jobId, now, policy)}`);
}

/** The widen job of a job opened to offers at `now`, as SQL to splice into a statement. */
export function widenTimerSql(jobId: string, now: Date, policy: DispatchPolicy): SQL {
  const dueAt = new Date(now.getTime() + policy.widenAfterMinutes * MINUTE);
  return addJobSql(WIDEN_TASK, sql`${JSON.stringify({ jobId })}::json`, { jobKey: widenKey(jobId), runAt: runAtFor(dueAt, now) });
}

/** The job left the offers for good (cancelled): its timers go too. */
export async function clearOfferTimers(tx: DbOrTx, jobId: string): Promise<void> {
  await dequeue(tx, widenKey(jobId));
  await dequeue(tx, escalateKey(jobId));
}

export type StepOutcome = 'done' | 'not-due' | 'not-applicable';

const stillOpen = sql`assigned_pro_id is null and status in ('queued', 'scheduled')`;

/** Widens an unclaimed job's offers to 1.5x radius once it has been open long enough. */
export async function widenOffer(db: Database, jobId: string, now: Date, policy: DispatchPolicy): Promise<StepOutcome> {
  return db.transaction(async (tx) => {
    const due = sql`opened_at + make_interval(mins => ${policy.widenAfterMinutes}) <= ${now.toISOString()}::timestamptz`;
    const [widened] = await tx.execute<{ id: string }>(sql`
      update dispatch_jobs set widened_at = ${now.toISOString()}::timestamptz, updated_at = ${now.toISOString()}::timestamptz
       where id = ${jobId} and widened_at is null and ${stillOpen} and ${due}
      returning id`);
    if (widened) {
      await recordJobEvent(tx, jobId, 'widened', SYSTEM, { afterMinutes: policy.widenAfterMinutes });
      const escalateAt = new Date(now.getTime() + policy.escalateAfterMinutes * MINUTE);
      await enqueue(tx, ESCALATE_TASK, { jobId }, { jobKey: escalateKey(jobId), runAt: runAtFor(escalateAt, now) });
      return 'done';
    }
    const [pending] = await tx.execute<{ opened_at: string }>(
      sql`select opened_at from dispatch_jobs where id = ${jobId} and widened_at is null and ${stillOpen}`,
    );
    if (!pending) return 'not-applicable';
    // Ran before its time (clock skew, a shifted clock): come back when it is due.
    const dueAt = new Date(new Date(pending.opened_at).getTime() + policy.widenAfterMinutes * MINUTE);
    await enqueue(tx, WIDEN_TASK, { jobId }, { jobKey: widenKey(jobId), runAt: runAtFor(dueAt, now) });
    return 'not-due';
  });
}

/** Flags a widened job that is still unclaimed as "needs dispatch". */
export async function escalateOffer(db: Database, jobId: string, now: Date, policy: DispatchPolicy): Promise<StepOutcome> {
  return db.transaction(async (tx) => {
    const due = sql`widened_at + make_interval(mins => ${policy.escalateAfterMinutes}) <= ${now.toISOString()}::timestamptz`;
    const [flagged] = await tx.execute<{ id: string }>(sql`
      update dispatch_jobs set needs_dispatch_at = ${now.toISOString()}::timestamptz, updated_at = ${now.toISOString()}::timestamptz
       where id = ${jobId} and widened_at is not null and needs_dispatch_at is null and ${stillOpen} and ${due}
      returning id`);
    if (flagged) {
      await recordJobEvent(tx, jobId, 'escalated', SYSTEM, { afterMinutes: policy.escalateAfterMinutes });
      return 'done';
    }
    const [pending] = await tx.execute<{ widened_at: string }>(
      sql`select widened_at from dispatch_jobs where id = ${jobId} and widened_at is not null and needs_dispatch_at is null and ${stillOpen}`,
    );
    if (!pending) return 'not-applicable';
    const dueAt = new Date(new Date(pending.widened_at).getTime() + policy.escalateAfterMinutes * MINUTE);
    await enqueue(tx, ESCALATE_TASK, { jobId }, { jobKey: escalateKey(jobId), runAt: runAtFor(dueAt, now) });
    return 'not-due';
  });
}
