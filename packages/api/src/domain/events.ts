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
): Promise<{ eventId: number; createdAt: Date }> {
  const [row] = await tx
    .insert(jobEvents)
    .values({ jobId, type, actorUserId: actor.userId, actorRole: actor.role, data })
    .returning({ id: jobEvents.id, createdAt: jobEvents.createdAt });
  if (!row) throw new Error('job event insert returned nothing');
  await tx.execute(sql`select pg_notify(${LIVE_CHANNEL}, ${jobChangePayload(jobId, type, row.createdAt)})`);
  return { eventId: row.id, createdAt: row.createdAt };
}

/** The NOTIFY payload every app instance's live bus parses. */
export const jobChangePayload = (jobId: string, type: JobEventType, at: Date): string =>
  JSON.stringify({ jobId, type, at: at.toISOString() } satisfies JobChange);
