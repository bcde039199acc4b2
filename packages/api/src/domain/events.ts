import { jobEvents, sql, type DbOrTx, type JobEventType } from '@h2s/db';

export const LIVE_CHANNEL = 'h2s_job_changes';

export interface Actor {
  userId: string | null;
  role: 'customer' | 'pro' | 'admin' | 'system' | 'stripe';
}

export interface JobChange {
  jobId: string;
  type: JobEventType;
  at: string;
}

/**
 * Appends to the job's audit trail and tells every listening app instance, inside the caller's
 * transaction: PostgreSQL delivers the NOTIFY only if the transaction commits.
 */
export async function recordJobEvent(
  tx: DbOrTx,
  jobId: string,
  type: JobEventType,
  actor: Actor,
  data: Record<string, unknown> = {},
): Promise<void> {
  const [row] = await tx
    .insert(jobEvents)
    .values({ jobId, type, actorUserId: actor.userId, actorRole: actor.role, data })
    .returning({ createdAt: jobEvents.createdAt });
  await tx.execute(sql`select pg_notify(${LIVE_CHANNEL}, ${jobChangePayload(jobId, type, row?.createdAt ?? new Date())})`);
}

/** The NOTIFY payload every app instance's live bus parses. */
export const jobChangePayload = (jobId: string, type: JobEventType, at: Date): string =>
  JSON.stringify({ jobId, type, at: at.toISOString() } satisfies JobChange);
