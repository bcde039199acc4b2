import { and, dispatchJobs, eq, inArray, isNotNull, type DbOrTx } from '@h2s/db';

/**
 * The pro's notes for the customer, per completed job (issue 22: shown on the tracking page, in the
 * completion email and on the customer's account). A reopened job has none until it completes again.
 */
export async function completionNotesOf(db: DbOrTx, jobIds: string[]): Promise<Map<string, string>> {
  if (jobIds.length === 0) return new Map();
  const rows = await db
    .select({ jobId: dispatchJobs.id, notes: dispatchJobs.completionNotes })
    .from(dispatchJobs)
    .where(and(inArray(dispatchJobs.id, jobIds), eq(dispatchJobs.status, 'completed'), isNotNull(dispatchJobs.completionNotes)));
  return new Map(rows.flatMap((row) => (row.notes ? [[row.jobId, row.notes] as const] : [])));
}
