import { sql, type DbOrTx, type JobEventType, type SQL } from '@h2s/db';

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

/** What one audit row says. `data` is SQL so a statement can fill it from its own rows. */
export interface JobEventRow {
  /** A value, or SQL (a placeholder of a prepared statement, a column of the statement's rows). */
  jobId: string | SQL;
  type: JobEventType;
  actor: { userId: string | SQL | null; role: Actor['role'] };
  data: SQL;
}

/**
 * THE definition of "record a job event", as SQL to splice into a statement: appends the audit row
 * (one per row of `from` when given, else exactly one) and returns `id`, `created_at` and `at` (the
 * ISO instant), then `jobEventNotifySql` over those rows tells every listening app instance.
 */
export const jobEventInsertSql = (event: JobEventRow, from?: SQL): SQL => sql`
  insert into job_events (job_id, actor_user_id, actor_role, type, data)
  select ${event.jobId}, ${event.actor.userId}, ${event.actor.role}, ${event.type}, ${event.data}${from ? sql` from ${from}` : sql``}
  returning id, job_id, type, created_at, to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at`;

/** The NOTIFY for a row `rows` of jobEventInsertSql; its payload is a JobChange (see jobChangePayload). */
export const jobEventNotifySql = (rows: SQL): SQL =>
  sql`pg_notify(${LIVE_CHANNEL}, json_build_object('jobId', ${rows}.job_id, 'type', ${rows}.type, 'at', ${rows}.at)::text)`;

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
  const [row] = await tx.execute<{ id: string | number; at: string }>(sql`
    with event as (${jobEventInsertSql({ jobId, type, actor, data: sql`${JSON.stringify(data)}::jsonb` })})
    select event.id, event.at, ${jobEventNotifySql(sql`event`)} from event`);
  if (!row) throw new Error('job event insert returned nothing');
  return { eventId: Number(row.id), createdAt: new Date(row.at) };
}

/** The NOTIFY payload every app instance's live bus parses. */
export const jobChangePayload = (jobId: string, type: JobEventType, at: Date): string =>
  JSON.stringify({ jobId, type, at: at.toISOString() } satisfies JobChange);
