/** Photos as the API shows them: rows with fresh signed URLs. */
import { asc, customerUploads, inArray, type CustomerUpload, type UploadKind, type UPLOAD_MIME_TYPES } from '@h2s/db';
import type { ApiDeps } from '../deps';
import type { Viewer } from '../auth';
import { jobAccess } from '../job-queries';
import { signUploadUrl, type SigningDeps } from './signing';

export type UploadMimeType = (typeof UPLOAD_MIME_TYPES)[number];

export interface UploadView {
  uploadId: string;
  jobId: string;
  /** A signed path on this app, valid for UPLOAD_URL_TTL_SECONDS; never the store's own URL. */
  url: string;
  fileSize: number;
  mimeType: UploadMimeType;
  sha256: string;
  createdAt: string;
  /** For display only: it never takes part in a path or a header without further escaping. */
  originalFilename: string;
  /** The same photo resized (at most THUMBNAIL_PX, WebP) for galleries; signed like `url`. */
  thumbnailUrl?: string;
  /** `before`: the customer's photo of the site; `after`: the pro's photo of the finished work. */
  kind: UploadKind;
}

export function toView(deps: SigningDeps, row: CustomerUpload): UploadView {
  return {
    uploadId: row.id,
    jobId: row.jobId,
    url: signUploadUrl(deps, row.id),
    // The same signature: the variant is a rendering of the photo the URL already grants.
    thumbnailUrl: `${signUploadUrl(deps, row.id)}&variant=thumb`,
    fileSize: row.fileSize,
    // The column's check constraint admits only these four.
    mimeType: row.mimeType as UploadMimeType,
    sha256: row.sha256,
    createdAt: row.createdAt.toISOString(),
    originalFilename: row.originalFilename,
    kind: row.kind,
  };
}

/**
 * Each job's photos with fresh signed URLs, oldest first, keyed by job id (a job without photos maps
 * to []), in one query: an account's orders do not cost a query each. Authorization is the caller's job.
 */
export async function uploadViewsForJobs(
  deps: Pick<ApiDeps, 'db' | 'clock' | 'urlSigningSecret'>,
  jobIds: readonly string[],
): Promise<Map<string, UploadView[]>> {
  const byJob = new Map<string, UploadView[]>(jobIds.map((id) => [id, []]));
  if (jobIds.length === 0) return byJob;
  const rows = await deps.db
    .select()
    .from(customerUploads)
    .where(inArray(customerUploads.jobId, [...new Set(jobIds)]))
    .orderBy(asc(customerUploads.createdAt), asc(customerUploads.id));
  for (const row of rows) byJob.get(row.jobId)?.push(toView(deps, row));
  return byJob;
}

/** One job's photos (see uploadViewsForJobs). */
export async function uploadViewsForJob(deps: Pick<ApiDeps, 'db' | 'clock' | 'urlSigningSecret'>, jobId: string): Promise<UploadView[]> {
  return (await uploadViewsForJobs(deps, [jobId])).get(jobId) ?? [];
}

/** Everyone jobAccess lets see the job sees its photos, oldest first. */
export async function listUploads(deps: ApiDeps, jobId: string, viewer: Viewer): Promise<{ uploads: UploadView[]; count: number }> {
  await jobAccess(deps.db, jobId, viewer);
  const uploads = await uploadViewsForJob(deps, jobId);
  return { uploads, count: uploads.length };
}
