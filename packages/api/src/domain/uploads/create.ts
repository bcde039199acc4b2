/**
 * Adding a photo: the customer's of the site (before) or the assigned pro's of the finished work
 * (after). Bytes go to the FileStore under a key built from the job id and the bytes' sha256, never
 * from anything the client sent; the row is recorded in one short statement afterwards.
 */
import { createHash } from 'node:crypto';
import {
  and,
  customerUploads,
  dispatchJobs,
  eq,
  isUniqueViolation,
  MAX_UPLOAD_BYTES,
  MAX_UPLOADS_PER_JOB,
  newUploadId,
  orders,
  pgErrorOf,
  sql,
  type CustomerUpload,
  type DbOrTx,
  type UploadKind,
} from '@h2s/db';
import type { ApiDeps } from '../deps';
import type { Viewer } from '../auth';
import { customerMayAccessOrder } from '../customer-access';
import { conflict, fieldError, forbidden, notFound, payloadTooLarge } from '../errors';
import { jobEventInsertSql, jobEventNotifySql } from '../events';
import { thumbnailKey, type FileOnDisk } from '../storage';
import { makeThumbnail, putThumbnail } from '../thumbnails';
import { displayFilename, uploadStorageKey } from './names';
import type { ReceivedPhoto } from './received';
import { detectImageType, NOT_AN_IMAGE_MESSAGE, NOT_DECODABLE_MESSAGE } from './sniff';
import { toView, type UploadView } from './views';

export interface CreateUploadResult {
  upload: UploadView;
  duplicate: boolean;
}

export const UPLOAD_LIMIT_MESSAGE = `This job already has ${MAX_UPLOADS_PER_JOB} photos`;
export const AFTER_LIMIT_MESSAGE = `This job already has ${MAX_UPLOADS_PER_JOB} after photos`;
const PER_JOB_LIMIT_CONSTRAINT = 'customer_uploads_per_job_limit';

/** Deletes a file no row points at (each row has its own key). A leftover is swept by `pnpm integrity`. */
export async function removeFileQuietly(deps: ApiDeps, key: string): Promise<void> {
  try {
    await deps.storage.remove(key);
    // The thumbnail follows its original (each row has its own key, so no other row shares it).
    await deps.storage.remove(thumbnailKey(key));
  } catch (error) {
    // An orphaned file costs disk space only; the caller's own error is the one worth reporting.
    console.error(`[uploads] could not remove ${key}:`, error);
  }
}

export const isClosed = (status: string) => status === 'completed' || status === 'cancelled';
export const closedMessage = (status: string) => `This job is ${status}; its photos can no longer be changed.`;

async function uploadTarget(db: DbOrTx, sessionId: string, viewer: Viewer): Promise<{ jobId: string }> {
  const [row] = await db
    .select({
      orderId: orders.id,
      customerUserId: orders.customerUserId,
      paymentStatus: orders.paymentStatus,
      jobId: dispatchJobs.id,
      jobStatus: dispatchJobs.status,
    })
    .from(orders)
    .leftJoin(dispatchJobs, eq(dispatchJobs.orderId, orders.id))
    .where(eq(orders.stripeSessionId, sessionId));
  if (!row) throw notFound('Order');
  // The session id alone already shows the order (orders.bySession), so saying "not yours" leaks nothing.
  if (!customerMayAccessOrder(viewer, { id: row.orderId, customerUserId: row.customerUserId })) {
    throw forbidden('This order belongs to a different account. Open the link from your confirmation email to add photos.');
  }
  if (row.paymentStatus !== 'paid') throw conflict('Photos can be added once the payment has gone through.');
  if (!row.jobId || !row.jobStatus) throw conflict('This order has no job yet.');
  if (isClosed(row.jobStatus)) throw conflict(closedMessage(row.jobStatus));
  return { jobId: row.jobId };
}

/**
 * The assigned pro's proof of the finished work: after photos go on a job that is in progress
 * (arrived, work started), before jobs.complete. Same checks, dedupe and storage as customer photos.
 */
async function afterPhotoTarget(db: DbOrTx, jobId: string, viewer: Viewer): Promise<{ jobId: string }> {
  const [job] = await db
    .select({ status: dispatchJobs.status, assignedProId: dispatchJobs.assignedProId })
    .from(dispatchJobs)
    .where(eq(dispatchJobs.id, jobId));
  if (!job) throw notFound('Job');
  if (viewer.role !== 'pro' || job.assignedProId !== viewer.userId) throw forbidden('Only the assigned pro can add after photos.');
  if (job.status !== 'in_progress') throw conflict(`After photos are added while the work is in progress; this job is ${job.status}.`);
  return { jobId };
}

/** Who may add which photo: the customer by checkout session (before), the assigned pro by job (after). */
export type UploadTarget = { sessionId: string; kind?: 'before' } | { jobId: string; kind: 'after' };

async function uploadBySha(db: DbOrTx, jobId: string, sha256: string): Promise<CustomerUpload | undefined> {
  const [row] = await db
    .select()
    .from(customerUploads)
    .where(and(eq(customerUploads.jobId, jobId), eq(customerUploads.sha256, sha256)));
  return row;
}

const tooLarge = () => payloadTooLarge(`Photos can be at most ${MAX_UPLOAD_BYTES / (1024 * 1024)} MB.`);

type NewUpload = Omit<CustomerUpload, 'createdAt'> & { role: 'pro' | 'customer' };

/**
 * Records a stored photo and its photo_added event in ONE statement (one round trip, atomic like a
 * transaction): the job's row is locked and its status checked again (completion may have just
 * landed; the per-job trigger takes the same lock), then both rows go in, and the live bus is told.
 */
async function recordUpload(db: DbOrTx, { role, ...upload }: NewUpload): Promise<CustomerUpload> {
  const { id, jobId, kind, sha256, mimeType, fileSize } = upload;
  const data = JSON.stringify({ uploadId: id, sha256, mimeType, fileSize, kind });
  const [result] = await db.execute<{ status: string; at: string | null }>(sql`
    with job as (select status from dispatch_jobs where id = ${jobId} for update),
    uploaded as (
      insert into customer_uploads (id, job_id, storage_key, url, file_size, mime_type, original_filename, sha256, uploaded_by, kind)
      select ${id}, ${jobId}, ${upload.storageKey}, ${upload.url}, ${fileSize}, ${mimeType}, ${upload.originalFilename}, ${sha256}, ${upload.uploadedBy}, ${kind}
      from job where job.status not in ('completed', 'cancelled') and (${kind} <> 'after' or job.status = 'in_progress')
      returning id
    ),
    event as (${jobEventInsertSql({ jobId, type: 'photo_added', actor: { userId: upload.uploadedBy, role }, data: sql`${data}::jsonb` }, sql`uploaded`)})
    select job.status, (select event.at from event) as at, (select ${jobEventNotifySql(sql`event`)} from event) as notified from job`);
  if (!result) throw notFound('Job');
  if (isClosed(result.status)) throw conflict(closedMessage(result.status));
  if (!result.at) throw conflict(`After photos are added while the work is in progress; this job is ${result.status}.`);
  return { ...upload, createdAt: new Date(result.at) };
}

/** What createUpload needs of a photo, whether it came in memory or was streamed to disk. */
interface PhotoContent {
  head: Uint8Array;
  sha256: string;
  /** What the store copies: the bytes, or the local file (never read into memory here). */
  body: Uint8Array | FileOnDisk;
  /** What the thumbnail is made from: the bytes or the local file's path. */
  source: Uint8Array | string;
}

async function contentOf(file: ReceivedPhoto): Promise<PhotoContent> {
  if (!(file instanceof File)) {
    const onDisk = { path: file.path, size: file.size };
    return { head: file.head, sha256: file.sha256, body: onDisk, source: file.path };
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  // The File said its size; the bytes are what counts.
  if (bytes.length > MAX_UPLOAD_BYTES) throw tooLarge();
  if (bytes.length === 0) throw fieldError(['file'], 'This file is empty.');
  return { head: bytes, sha256: createHash('sha256').update(bytes).digest('hex'), body: bytes, source: bytes };
}

const sizeOf = (body: Uint8Array | FileOnDisk) => (body instanceof Uint8Array ? body.length : body.size);

/**
 * Stores one photo for the customer's job. The same bytes twice give back the first upload
 * (duplicate: true). The file is written first, with no transaction open; then one short
 * statement (recordUpload) records it; if that fails, the file is removed again (or swept later). A streamed
 * photo (StagedPhoto) arrives hashed and on disk: it is moved into the store, never read whole.
 */
export async function createUpload(
  deps: ApiDeps,
  { file, viewer, ...target }: UploadTarget & { file: ReceivedPhoto; viewer: Viewer },
): Promise<CreateUploadResult> {
  // Before anything reads the body into memory.
  if (file.size > MAX_UPLOAD_BYTES) throw tooLarge();
  if (file.size === 0) throw fieldError(['file'], 'This file is empty.');
  const kind: UploadKind = target.kind ?? 'before';
  const { jobId } =
    'jobId' in target ? await afterPhotoTarget(deps.db, target.jobId, viewer) : await uploadTarget(deps.db, target.sessionId, viewer);

  const { head, sha256, body, source } = await contentOf(file);
  const fileSize = sizeOf(body);
  const type = detectImageType(head);
  if (!type) throw fieldError(['file'], NOT_AN_IMAGE_MESSAGE);

  // One look at the job's photos (at most 12 of each kind) answers both: the same bytes already, and room left.
  const photos = await deps.db.select().from(customerUploads).where(eq(customerUploads.jobId, jobId));
  const existing = photos.find((p) => p.sha256 === sha256);
  if (existing) return { upload: toView(deps, existing), duplicate: true };
  // A cheap early answer; the trigger is what holds under concurrency.
  if (photos.filter((p) => p.kind === kind).length >= MAX_UPLOADS_PER_JOB)
    throw conflict(kind === 'after' ? AFTER_LIMIT_MESSAGE : UPLOAD_LIMIT_MESSAGE);

  // Resized on libvips' threads while the bytes are stored and recorded; stored only once the row is committed.
  const thumbnail = makeThumbnail(source);
  // A photo must decode, not only start like one (issue 20, item 6). HEIC is the exception: this sharp
  // build cannot decode HEVC, so its header check (sniff.ts) is all there is.
  if (type.mime !== 'image/heic' && (await thumbnail) === null) throw fieldError(['file'], NOT_DECODABLE_MESSAGE);
  const uploadId = newUploadId();
  const key = uploadStorageKey(jobId, sha256, uploadId, type.ext);
  // Disk or network I/O, before any transaction: no lock is held while the bytes travel.
  const stored = await deps.storage.put(key, body, type.mime);
  try {
    const row = await recordUpload(deps.db, {
      id: uploadId,
      jobId,
      storageKey: key,
      url: stored.url,
      fileSize,
      mimeType: type.mime,
      originalFilename: displayFilename(file instanceof File ? file.name : file.filename),
      sha256,
      uploadedBy: viewer.userId,
      kind,
      role: viewer.role === 'pro' ? 'pro' : 'customer',
    });
    // After the commit, outside any transaction.
    await putThumbnail(deps.storage, key, await thumbnail).catch((error: unknown) =>
      console.error(`[uploads] no thumbnail for ${key}:`, error),
    );
    return { upload: toView(deps, row), duplicate: false };
  } catch (error) {
    // Never left reading the photo after this call (its temporary file goes next).
    await thumbnail;
    // The key is this attempt's own: no other row can point at it.
    await removeFileQuietly(deps, key);
    if (isUniqueViolation(error, 'customer_uploads_job_sha256_key')) {
      // The same bytes arrived twice at once and the other request committed first.
      const winner = await uploadBySha(deps.db, jobId, sha256);
      if (winner) return { upload: toView(deps, winner), duplicate: true };
    }
    if (pgErrorOf(error)?.constraint_name === PER_JOB_LIMIT_CONSTRAINT)
      throw conflict(kind === 'after' ? AFTER_LIMIT_MESSAGE : UPLOAD_LIMIT_MESSAGE);
    throw error;
  }
}
