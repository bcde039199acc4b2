/**
 * The customer is told at every step: each change that causes a message writes it here, in the
 * change's own transaction (a transactional outbox), and the worker sends it (tasks/email.ts).
 * Every message has an idempotency key that names the change, unique in the database, so a
 * retried change, a redelivered webhook or a crashed worker can never send it twice.
 */
import { addJobSql, dequeue, dispatchJobs, eq, removeJobSql, sql, type DbOrTx, type EmailKind, type SQL } from '@h2s/db';

export interface EmailRequest {
  kind: EmailKind;
  /** Names the change: the same key twice is one message. */
  key: string;
  /** Null only for account mail (sign-in links). */
  orderId: string | null;
  jobId?: string | null;
  /** What the message must say as of this change (a later change must not rewrite it). */
  data?: Record<string, unknown>;
}

/**
 * Adds one message to the outbox inside the caller's transaction (see `enqueue_email` in
 * migration 0006, which the one-statement accept uses too). Returns false when the key was seen.
 */
export async function enqueueEmail(tx: DbOrTx, request: EmailRequest): Promise<boolean> {
  const [row] = await tx.execute<{ id: string | null }>(
    sql`select ${enqueueEmailSql({ ...request, data: sql`${JSON.stringify(request.data ?? {})}::jsonb` })} as id`,
  );
  return row?.id != null;
}

/** enqueueEmail as SQL to splice into a statement, whose own rows may make the key and the data. */
export const enqueueEmailSql = (
  request: Omit<EmailRequest, 'key' | 'data' | 'orderId' | 'jobId'> & {
    key: SQL | string;
    data: SQL;
    orderId: SQL | string | null;
    jobId?: SQL | string | null;
  },
): SQL => sql`enqueue_email(${request.key}, ${request.kind}, ${request.orderId}, ${request.jobId ?? null}, ${request.data})`;

export const REMINDER_LEAD_MS = 24 * 3600 * 1000;
export const reminderJobKey = (jobId: string) => `reminder:${jobId}`;

/**
 * The reminder 24 h before the window: one queue job per job (its key), replaced when the job is
 * rescheduled, removed when it is cancelled. A window less than 24 h away gets no reminder.
 */
export async function scheduleReminder(tx: DbOrTx, jobId: string, dueAt: Date, now: Date): Promise<void> {
  await tx.execute(sql`select ${scheduleReminderSql(jobId, dueAt, now)}`);
}

/** scheduleReminder as SQL to splice into a statement. */
export function scheduleReminderSql(jobId: string, dueAt: Date, now: Date): SQL {
  const runAt = new Date(dueAt.getTime() - REMINDER_LEAD_MS);
  if (runAt.getTime() <= now.getTime()) return removeJobSql(reminderJobKey(jobId));
  const payload = JSON.stringify({ jobId, dueAt: dueAt.toISOString() });
  return addJobSql('send_reminder', sql`${payload}::json`, { jobKey: reminderJobKey(jobId), runAt, maxAttempts: 25 });
}

/** Raises the job's calendar SEQUENCE (RFC 5545: every revision of the invite carries a higher one). */
async function nextCalendarSequence(tx: DbOrTx, jobId: string): Promise<number> {
  const [row] = await tx
    .update(dispatchJobs)
    .set({ calendarSequence: sql`${dispatchJobs.calendarSequence} + 1` })
    .where(eq(dispatchJobs.id, jobId))
    .returning({ sequence: dispatchJobs.calendarSequence });
  if (!row) throw new Error(`job ${jobId} not found for its calendar sequence`);
  return row.sequence;
}

/**
 * For the cancellation code: call inside the transaction that cancels the job. Sends the
 * cancellation (an invite with METHOD:CANCEL and a higher SEQUENCE, when the job was scheduled)
 * and removes the pending reminder. Once per job.
 */
export async function enqueueCancellationEmail(
  tx: DbOrTx,
  change: { orderId: string; jobId: string; reason?: string | null },
): Promise<void> {
  const [job] = await tx.select({ dueAt: dispatchJobs.dueAt }).from(dispatchJobs).where(eq(dispatchJobs.id, change.jobId));
  const sequence = job?.dueAt ? await nextCalendarSequence(tx, change.jobId) : null;
  await enqueueEmail(tx, {
    kind: 'cancelled',
    key: `cancelled:${change.jobId}`,
    orderId: change.orderId,
    jobId: change.jobId,
    data: { sequence, dueAt: job?.dueAt?.toISOString() ?? null, reason: change.reason ?? null },
  });
  await dequeue(tx, reminderJobKey(change.jobId));
}
