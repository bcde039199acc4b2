/**
 * Photos as the pages list them, with fresh signed URLs: for many jobs in one query (an account's
 * orders), not one query per order.
 */
import { asc, customerUploads, inArray, type CustomerUpload } from '@h2s/db';
import type { ApiDeps } from '../trpc';
import { signUploadUrl, type UploadMimeType, type UploadView } from './uploads';

type ViewDeps = Pick<ApiDeps, 'db' | 'clock' | 'urlSigningSecret'>;

export function uploadView(deps: Pick<ApiDeps, 'clock' | 'urlSigningSecret'>, row: CustomerUpload): UploadView {
  const url = signUploadUrl(deps, row.id);
  return {
    uploadId: row.id,
    jobId: row.jobId,
    url,
    thumbnailUrl: `${url}&variant=thumb`,
    fileSize: row.fileSize,
    // The column's check constraint admits only these four.
    mimeType: row.mimeType as UploadMimeType,
    sha256: row.sha256,
    createdAt: row.createdAt.toISOString(),
    originalFilename: row.originalFilename,
    kind: row.kind,
  };
}

/** Each job's photos, oldest first, keyed by job id (a job without photos maps to []). Authorization is the caller's job. */
export async function uploadViewsForJobs(deps: ViewDeps, jobIds: readonly string[]): Promise<Map<string, UploadView[]>> {
  const byJob = new Map<string, UploadView[]>(jobIds.map((id) => [id, []]));
  if (jobIds.length === 0) return byJob;
  const rows = await deps.db
    .select()
    .from(customerUploads)
    .where(inArray(customerUploads.jobId, [...new Set(jobIds)]))
    .orderBy(asc(customerUploads.createdAt), asc(customerUploads.id));
  for (const row of rows) byJob.get(row.jobId)?.push(uploadView(deps, row));
  return byJob;
}
