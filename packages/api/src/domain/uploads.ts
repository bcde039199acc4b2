/**
 * Customer photos: a customer attaches up to 12 pictures of the install site to a paid job; the pro
 * who will do the work sees them. Bytes go to the FileStore (local disk or UploadThing) under a key
 * built from the job id and the bytes' sha256, never from anything the client sent.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import {
  and,
  asc,
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
  type UPLOAD_MIME_TYPES,
} from '@h2s/db';
import { isId } from '@h2s/db/ids';
import type { ApiDeps, RequestScope } from '../trpc';
import { customerMayAccessOrder, type Viewer } from './auth';
import { conflict, fieldError, forbidden, notFound, payloadTooLarge } from './errors';
import { recordJobEvent } from './events';
import { jobAccess } from './job-queries';
import { thumbnailKey } from './storage';
import { storeThumbnail, thumbnailFor, THUMBNAIL_MIME } from './thumbnails';

export type UploadMimeType = (typeof UPLOAD_MIME_TYPES)[number];

export type ImageType =
  | { mime: 'image/jpeg'; ext: 'jpg' }
  | { mime: 'image/png'; ext: 'png' }
  | { mime: 'image/webp'; ext: 'webp' }
  | { mime: 'image/heic'; ext: 'heic' };

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

export interface CreateUploadResult {
  upload: UploadView;
  duplicate: boolean;
}

export const UPLOAD_URL_TTL_SECONDS = 3600;
export const NOT_AN_IMAGE_MESSAGE = 'This file is not a JPEG, PNG, WebP or HEIC image';
export const UPLOAD_LIMIT_MESSAGE = `This job already has ${MAX_UPLOADS_PER_JOB} photos`;
export const AFTER_LIMIT_MESSAGE = `This job already has ${MAX_UPLOADS_PER_JOB} after photos`;
const PER_JOB_LIMIT_CONSTRAINT = 'customer_uploads_per_job_limit';

// ---------------------------------------------------------------------------------------------
// Content sniffing

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] as const;
const HEIC_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'mif1', 'msf1', 'heim', 'heis']);

const ascii = (bytes: Uint8Array, start: number, end: number) => String.fromCharCode(...bytes.subarray(start, end));

/**
 * The image type from the file's first bytes. The name and the declared type come from the
 * client and are ignored: a script renamed photo.jpg must not be stored or served as a photo.
 */
export function detectImageType(bytes: Uint8Array): ImageType | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return { mime: 'image/jpeg', ext: 'jpg' };
  if (bytes.length >= PNG_SIGNATURE.length && PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return { mime: 'image/png', ext: 'png' };
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return { mime: 'image/webp', ext: 'webp' };
  if (bytes.length >= 16 && ascii(bytes, 4, 8) === 'ftyp' && HEIC_BRANDS.has(ascii(bytes, 8, 12))) {
    // An ftyp box holds at least size, type, major brand and minor version; a shorter one is noise.
    const boxSize = ((bytes[0] ?? 0) << 24) | ((bytes[1] ?? 0) << 16) | ((bytes[2] ?? 0) << 8) | (bytes[3] ?? 0);
    if (boxSize >= 16) return { mime: 'image/heic', ext: 'heic' };
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Names

const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The client's file name, kept only to show back to people: the last path component, without
 * control or bidi-override characters (which can disguise an extension), at most 255 characters.
 */
export function displayFilename(name: string | null | undefined): string {
  const last = (name ?? '').split(/[\\/]/).pop() ?? '';
  const cleaned = last.replace(LONE_SURROGATE, '').replace(INVISIBLE, '').trim();
  const capped = Array.from(cleaned).slice(0, 255).join('').trim();
  return capped === '' || capped === '.' || capped === '..' ? 'photo' : capped;
}

/** A saved copy should open as what it is, so the extension follows the sniffed type. */
function downloadName(name: string, ext: string): string {
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  return `${stem}.${ext}`;
}

/** Both forms: `filename` for old clients (ASCII only, no quotes), `filename*` for the real name. */
function contentDisposition(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `inline; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

const extOf = (mime: string) => (mime === 'image/jpeg' ? 'jpg' : mime.slice('image/'.length));

/**
 * One key per upload row: a file is written before its row and deleted after its row, with no lock
 * held over either, so two rows must never share a file (remove and re-add the same bytes at once).
 */
export const uploadStorageKey = (jobId: string, sha256: string, uploadId: string, ext: string) => `customer-uploads/${jobId}/${sha256}-${uploadId}.${ext}`;

// ---------------------------------------------------------------------------------------------
// Signed URLs

type SigningDeps = Pick<ApiDeps, 'clock' | 'urlSigningSecret'>;

const signatureOf = (secret: string, uploadId: string, exp: number) => createHmac('sha256', secret).update(`${uploadId}.${exp}`).digest('hex');

/** A path on this app that serves the photo for an hour to whoever holds it. */
export function signUploadUrl(deps: SigningDeps, uploadId: string): string {
  // Expiry rounded up to the next whole TTL: the same photo gets the same URL for a while, so
  // browsers reuse their cached copy across reloads instead of fetching it again.
  const exp = Math.ceil(deps.clock.now().getTime() / 1000 / UPLOAD_URL_TTL_SECONDS + 1) * UPLOAD_URL_TTL_SECONDS;
  return `/api/uploads/${encodeURIComponent(uploadId)}?exp=${exp}&sig=${signatureOf(deps.urlSigningSecret, uploadId, exp)}`;
}

export function verifyUploadSignature(deps: SigningDeps, uploadId: string, exp: string | number | null | undefined, sig: string | null | undefined): boolean {
  const expText = String(exp ?? '');
  // Canonical digits only: "0123" would otherwise verify with the signature of "123".
  if (!/^[1-9]\d{0,11}$/.test(expText) || !sig || !/^[0-9a-f]{64}$/.test(sig)) return false;
  const expSeconds = Number(expText);
  if (expSeconds * 1000 <= deps.clock.now().getTime()) return false;
  const expected = Buffer.from(signatureOf(deps.urlSigningSecret, uploadId, expSeconds), 'hex');
  return timingSafeEqual(expected, Buffer.from(sig, 'hex'));
}

function toView(deps: SigningDeps, row: CustomerUpload): UploadView {
  return {
    uploadId: row.id,
    jobId: row.jobId,
    url: signUploadUrl(deps, row.id),
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

// ---------------------------------------------------------------------------------------------
// Cleanup

/** Deletes a file no row points at (each row has its own key). A leftover is swept by `pnpm integrity`. */
async function removeFileQuietly(deps: ApiDeps, key: string): Promise<void> {
  try {
    await deps.storage.remove(key);
    // The thumbnail follows its original (each row has its own key, so no other row shares it).
    await deps.storage.remove(thumbnailKey(key));
  } catch (error) {
    // An orphaned file costs disk space only; the caller's own error is the one worth reporting.
    console.error(`[uploads] could not remove ${key}:`, error);
  }
}

// ---------------------------------------------------------------------------------------------
// Create

const isClosed = (status: string) => status === 'completed' || status === 'cancelled';
const closedMessage = (status: string) => `This job is ${status}; its photos can no longer be changed.`;

async function uploadTarget(db: DbOrTx, sessionId: string, viewer: Viewer): Promise<{ jobId: string }> {
  const [row] = await db
    .select({ orderId: orders.id, customerUserId: orders.customerUserId, paymentStatus: orders.paymentStatus, jobId: dispatchJobs.id, jobStatus: dispatchJobs.status })
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
  const [job] = await db.select({ status: dispatchJobs.status, assignedProId: dispatchJobs.assignedProId }).from(dispatchJobs).where(eq(dispatchJobs.id, jobId));
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

const tooLarge = () =>
  payloadTooLarge(`Photos can be at most ${MAX_UPLOAD_BYTES / (1024 * 1024)} MB.`);

/**
 * Stores one photo for the customer's job. The same bytes twice give back the first upload
 * (duplicate: true). The file is written first, with no transaction open; then one short
 * transaction records it; if that fails, the file is removed again (or swept later).
 */
export async function createUpload(
  deps: ApiDeps,
  { file, viewer, ...target }: UploadTarget & { file: File; viewer: Viewer },
): Promise<CreateUploadResult> {
  // Before anything reads the body into memory.
  if (file.size > MAX_UPLOAD_BYTES) throw tooLarge();
  if (file.size === 0) throw fieldError(['file'], 'This file is empty.');
  const kind: UploadKind = target.kind ?? 'before';
  const { jobId } = 'jobId' in target ? await afterPhotoTarget(deps.db, target.jobId, viewer) : await uploadTarget(deps.db, target.sessionId, viewer);

  const bytes = new Uint8Array(await file.arrayBuffer());
  if (bytes.length > MAX_UPLOAD_BYTES) throw tooLarge();
  if (bytes.length === 0) throw fieldError(['file'], 'This file is empty.');
  const type = detectImageType(bytes);
  if (!type) throw fieldError(['file'], NOT_AN_IMAGE_MESSAGE);

  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const existing = await uploadBySha(deps.db, jobId, sha256);
  if (existing) return { upload: toView(deps, existing), duplicate: true };

  // A cheap early answer; the trigger is what holds under concurrency.
  const [counted] = await deps.db
    .select({ n: sql<number>`count(*)::int` })
    .from(customerUploads)
    .where(and(eq(customerUploads.jobId, jobId), eq(customerUploads.kind, kind)));
  if ((counted?.n ?? 0) >= MAX_UPLOADS_PER_JOB) throw conflict(kind === 'after' ? AFTER_LIMIT_MESSAGE : UPLOAD_LIMIT_MESSAGE);

  const uploadId = newUploadId();
  const key = uploadStorageKey(jobId, sha256, uploadId, type.ext);
  // Disk or network I/O, before any transaction: no lock is held while the bytes travel.
  const stored = await deps.storage.put(key, bytes, type.mime);
  try {
    const row = await deps.db.transaction(async (tx) => {
      // Checked again under the job's lock (which the per-job trigger takes too): completion may have just landed.
      const [job] = await tx.select({ status: dispatchJobs.status }).from(dispatchJobs).where(eq(dispatchJobs.id, jobId)).for('update');
      if (!job) throw notFound('Job');
      if (isClosed(job.status)) throw conflict(closedMessage(job.status));
      if (kind === 'after' && job.status !== 'in_progress') throw conflict(`After photos are added while the work is in progress; this job is ${job.status}.`);
      const [inserted] = await tx
        .insert(customerUploads)
        .values({
          id: uploadId,
          jobId,
          storageKey: key,
          url: stored.url,
          fileSize: bytes.length,
          mimeType: type.mime,
          originalFilename: displayFilename(file.name),
          sha256,
          uploadedBy: viewer.userId,
          kind,
        })
        .returning();
      if (!inserted) throw new Error('upload insert returned nothing');
      const role = viewer.role === 'pro' ? 'pro' : 'customer';
      await recordJobEvent(tx, jobId, 'photo_added', { userId: viewer.userId, role }, { uploadId, sha256, mimeType: type.mime, fileSize: bytes.length, kind });
      return inserted;
    });
    // After the commit, outside any transaction: resizing takes tens of milliseconds of CPU.
    await storeThumbnail(deps.storage, key, bytes).catch((error: unknown) => console.error(`[uploads] no thumbnail for ${key}:`, error));
    return { upload: toView(deps, row), duplicate: false };
  } catch (error) {
    // The key is this attempt's own: no other row can point at it.
    await removeFileQuietly(deps, key);
    if (isUniqueViolation(error, 'customer_uploads_job_sha256_key')) {
      // The same bytes arrived twice at once and the other request committed first.
      const winner = await uploadBySha(deps.db, jobId, sha256);
      if (winner) return { upload: toView(deps, winner), duplicate: true };
    }
    if (pgErrorOf(error)?.constraint_name === PER_JOB_LIMIT_CONSTRAINT) throw conflict(kind === 'after' ? AFTER_LIMIT_MESSAGE : UPLOAD_LIMIT_MESSAGE);
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// List, remove, serve

/** A job's photos with fresh signed URLs, oldest first. Authorization is the caller's job. */
export async function uploadViewsForJob(deps: Pick<ApiDeps, 'db' | 'clock' | 'urlSigningSecret'>, jobId: string): Promise<UploadView[]> {
  const rows = await deps.db
    .select()
    .from(customerUploads)
    .where(eq(customerUploads.jobId, jobId))
    .orderBy(asc(customerUploads.createdAt), asc(customerUploads.id));
  return rows.map((row) => toView(deps, row));
}

/** Everyone jobAccess lets see the job sees its photos, oldest first. */
export async function listUploads(deps: ApiDeps, jobId: string, viewer: Viewer): Promise<{ uploads: UploadView[]; count: number }> {
  await jobAccess(deps.db, jobId, viewer);
  const uploads = await uploadViewsForJob(deps, jobId);
  return { uploads, count: uploads.length };
}

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

const plainResponse = (status: number, message: string, headers: Record<string, string> = {}) =>
  new Response(message, {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store', ...headers },
  });

/**
 * GET /api/uploads/{uploadId}?exp=…&sig=…, the same in both apps. The signature is the
 * authorization (granted when the URL was handed out), so no session is consulted here.
 */
export async function serveUpload(deps: ApiDeps, request: Request, _scope: RequestScope): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return plainResponse(405, 'Method not allowed', { Allow: 'GET, HEAD' });
  const url = new URL(request.url);
  let uploadId: string;
  try {
    uploadId = decodeURIComponent(url.pathname.split('/').pop() ?? '');
  } catch {
    return plainResponse(404, 'Photo not found');
  }
  if (!verifyUploadSignature(deps, uploadId, url.searchParams.get('exp'), url.searchParams.get('sig'))) {
    return plainResponse(403, 'This photo link is invalid or has expired.');
  }
  if (!isId('upload', uploadId)) return plainResponse(404, 'Photo not found');
  const [row] = await deps.db.select().from(customerUploads).where(eq(customerUploads.id, uploadId));
  if (!row) return plainResponse(404, 'Photo not found');
  // ?variant=thumb: the resized copy, when the original can be decoded (HEIC cannot); else the original.
  const thumb = url.searchParams.get('variant') === 'thumb' ? await thumbnailFor(deps.storage, row.storageKey) : null;
  const bytes = thumb ?? (await deps.storage.get(row.storageKey));
  if (!bytes) return plainResponse(404, 'Photo not found');
  const headers = {
    'Content-Type': thumb ? THUMBNAIL_MIME : row.mimeType,
    'Content-Length': String(bytes.length),
    'X-Content-Type-Options': 'nosniff',
    // Opened directly, the response can run nothing and reach nothing, whatever the bytes hide.
    'Content-Security-Policy': "default-src 'none'; sandbox",
    'Cache-Control': 'private, max-age=3600',
    'Content-Disposition': contentDisposition(downloadName(row.originalFilename, extOf(thumb ? THUMBNAIL_MIME : row.mimeType))),
  };
  // A copy typed for the Response body: stores hand back Uint8Array over any ArrayBufferLike.
  return new Response(request.method === 'HEAD' ? null : new Uint8Array(bytes), { status: 200, headers });
}
