/**
 * The durable job queue (graphile-worker, in the `graphile_worker` schema of the same database).
 * Jobs are added with SQL inside the caller's transaction, so a job exists exactly when the change
 * that caused it commits (a transactional outbox), and a job key makes a repeated change replace
 * its job instead of adding a second one.
 */
import { Logger } from 'graphile-worker';
import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from './client';

export interface EnqueueOptions {
  /** One job per key: adding it again replaces the pending job (e.g. a reminder that follows a reschedule). */
  jobKey?: string;
  /** `replace` (default) moves run_at too; `preserve_run_at` keeps the first one; `unsafe_dedupe` keeps the job as it is. */
  jobKeyMode?: 'replace' | 'preserve_run_at' | 'unsafe_dedupe';
  /** Not before this instant (default: now). */
  runAt?: Date;
  /** Attempts with exponential backoff before the job is given up (graphile-worker's default is 25). */
  maxAttempts?: number;
  /** Jobs of one queue run one at a time, in order. */
  queueName?: string;
}

/**
 * THE call that adds a queue job, as SQL to splice into a statement (a one-statement write adds its
 * jobs from its own rows); `payload` is SQL so the statement can build it.
 */
export const addJobSql = (task: string, payload: SQL, options: EnqueueOptions = {}): SQL => sql`graphile_worker.add_job(
    ${task},
    ${payload},
    queue_name => ${options.queueName ?? null}::text,
    run_at => ${options.runAt?.toISOString() ?? null}::timestamptz,
    max_attempts => ${options.maxAttempts ?? null}::int,
    job_key => ${options.jobKey ?? null}::text,
    job_key_mode => ${options.jobKeyMode ?? 'replace'}::text
  )`;

/** Removes a pending job by its key, as SQL to splice into a statement. */
export const removeJobSql = (jobKey: string): SQL => sql`graphile_worker.remove_job(${jobKey})`;

/** Adds a job in the caller's transaction. */
export async function enqueue(tx: DbOrTx, task: string, payload: Record<string, unknown>, options: EnqueueOptions = {}): Promise<void> {
  await tx.execute(sql`select ${addJobSql(task, sql`${JSON.stringify(payload)}::json`, options)}`);
}

/** Removes a pending job by its key (a cancelled reminder); a job already running is left to finish. */
export async function dequeue(tx: DbOrTx, jobKey: string): Promise<void> {
  await tx.execute(sql`select ${removeJobSql(jobKey)}`);
}

/** graphile-worker's logger without its debug chatter; warnings and errors still reach stderr. */
export const quietQueueLogger = new Logger(() => (level, message) => {
  if (level === 'error') console.error(`[queue] ${message}`);
  else if (level === 'warning') console.warn(`[queue] ${message}`);
});
