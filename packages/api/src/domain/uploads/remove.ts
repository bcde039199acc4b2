/** The customer takes a photo back while the job is open; the file goes after the row's commit. */
import { customerUploads, dispatchJobs, eq, orders } from '@h2s/db';
import type { ApiDeps } from '../deps';
import type { Viewer } from '../auth';
import { customerMayAccessOrder } from '../customer-access';
import { conflict, notFound } from '../errors';
import { recordJobEvent } from '../events';
import { closedMessage, isClosed, removeFileQuietly } from './create';

export interface RemoveUploadResult {
  uploadId: string;
  jobId: string;
  removed: true;
}

/** The customer takes a photo back, while the job is still open. */
export async function removeUpload(deps: ApiDeps, uploadId: string, viewer: Viewer): Promise<RemoveUploadResult> {
  const removed = await deps.db.transaction(async (tx) => {
    const [found] = await tx
      .select({ jobId: customerUploads.jobId, orderId: orders.id, kind: customerUploads.kind, customerUserId: orders.customerUserId })
      .from(customerUploads)
      .innerJoin(dispatchJobs, eq(dispatchJobs.id, customerUploads.jobId))
      .innerJoin(orders, eq(orders.id, dispatchJobs.orderId))
      .where(eq(customerUploads.id, uploadId));
    // The pro's after photos are proof of the work, not the customer's to take back.
    if (!found || !customerMayAccessOrder(viewer, { id: found.orderId, customerUserId: found.customerUserId }) || found.kind !== 'before') {
      throw notFound('Photo');
    }
    // Under the job's lock, so completing the job and removing a photo cannot interleave.
    const [job] = await tx.select({ status: dispatchJobs.status }).from(dispatchJobs).where(eq(dispatchJobs.id, found.jobId)).for('update');
    if (!job) throw notFound('Photo');
    if (isClosed(job.status)) throw conflict(closedMessage(job.status));
    const [row] = await tx.delete(customerUploads).where(eq(customerUploads.id, uploadId)).returning();
    if (!row) throw notFound('Photo');
    await recordJobEvent(tx, row.jobId, 'photo_removed', { userId: viewer.userId, role: 'customer' }, { uploadId, sha256: row.sha256 });
    return row;
  });
  // After the commit (a rollback must never find its row pointing at a deleted file); the key was this row's alone.
  await removeFileQuietly(deps, removed.storageKey);
  return { uploadId, jobId: removed.jobId, removed: true };
}
