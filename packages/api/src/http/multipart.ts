/**
 * Photo uploads read as a stream (issue 13): the multipart body goes through busboy, its `file`
 * part straight to a temporary file while its sha256 is computed, so a request never holds more
 * than a few chunks in memory. Refused at the first byte past the limit, with the partial file
 * removed. Independent of the web Request: the SvelteKit path passes `Readable.fromWeb(body)`, a
 * node:http server its IncomingMessage.
 */
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import { MAX_UPLOAD_BYTES } from '@h2s/db';
import { PHOTO_HEAD_BYTES, StagedPhotoFile, StreamedUpload } from '../domain/uploads/received';

export { StreamedUpload } from '../domain/uploads/received';

/** The photo plus the multipart envelope around it: past this, the body is refused whatever it holds. */
export const UPLOAD_BODY_LIMIT = MAX_UPLOAD_BYTES + 64 * 1024;

/** Where temporary upload files go by default (one directory, so a crash's leftovers are easy to find). */
export const DEFAULT_UPLOAD_TMP_DIR = join(tmpdir(), 'h2s-upload-staging');

export interface StreamedUploadOptions {
  /** Largest photo accepted, in bytes (default MAX_UPLOAD_BYTES, 10 MB). */
  maxFileBytes?: number;
  /** Largest body accepted, envelope included (default UPLOAD_BODY_LIMIT). */
  maxBodyBytes?: number;
  /** Where the temporary file is written (default DEFAULT_UPLOAD_TMP_DIR). */
  tmpDir?: string;
  /** Aborts the parse (the client went away); the partial file is removed. */
  signal?: AbortSignal;
}

type RefusalCode = 'BAD_REQUEST' | 'PAYLOAD_TOO_LARGE';

/**
 * A body refused while it was read; `field` names the form field at fault, if one is. `cutOff`: the
 * rest of the body is not worth reading (past the body limit, or the client went away), so the
 * caller closes the connection rather than drain it.
 */
export class UploadRefused extends Error {
  readonly status: 400 | 413;
  constructor(
    readonly code: RefusalCode,
    message: string,
    readonly field: string | null = null,
    readonly cutOff = false,
  ) {
    super(message);
    this.name = 'UploadRefused';
    this.status = code === 'PAYLOAD_TOO_LARGE' ? 413 : 400;
  }
}

export const uploadTooLarge = (maxFileBytes = MAX_UPLOAD_BYTES, cutOff = false) =>
  new UploadRefused('PAYLOAD_TOO_LARGE', `Request too large: photos can be at most ${maxFileBytes / 1024 / 1024} MB`, null, cutOff);

/** Tight limits for the text fields: sessionId, jobId and kind are short. */
const FIELD_LIMITS = { fieldNameSize: 64, fieldSize: 512, fields: 8, parts: 10, headerPairs: 16 } as const;

/**
 * Reads a multipart/form-data body: its text fields (first value of each name) and its one `file`
 * part, written to a temporary file while hashed. Resolves once the whole body is read and the file
 * closed; the caller then owns the StreamedUpload and calls `dispose()` when done with it.
 * Rejects with UploadRefused (413 past the limits, 400 for a malformed body, a second file, too many
 * fields, or a body cut short), or with the server's own error (a full disk); nothing is left on
 * disk then. On a rejection the body is unpiped and left as it is: the caller decides whether to
 * close the connection or drain it.
 */
export async function parseStreamedUpload(
  headers: IncomingHttpHeaders,
  body: Readable,
  options: StreamedUploadOptions = {},
): Promise<StreamedUpload> {
  const maxFileBytes = options.maxFileBytes ?? MAX_UPLOAD_BYTES;
  const maxBodyBytes = options.maxBodyBytes ?? UPLOAD_BODY_LIMIT;
  const tmpDir = options.tmpDir ?? DEFAULT_UPLOAD_TMP_DIR;

  let parser: busboy.Busboy;
  try {
    // busboy's own fileSize limit fires on a file of exactly the limit too: one byte more, and the count below decides.
    parser = busboy({ headers, defParamCharset: 'utf8', limits: { ...FIELD_LIMITS, files: 1, fileSize: maxFileBytes + 1 } });
  } catch (error) {
    throw new UploadRefused('BAD_REQUEST', `Send the photo as a multipart form: ${(error as Error).message}`);
  }

  const fields = new Map<string, string>();
  let staged: { path: string; written: Promise<StagedPhotoFile> } | null = null;
  let received = 0;

  // The first failure wins: an UploadRefused is the client's fault (4xx), anything else (a full disk) is ours.
  let failure: Error | null = null;
  let fail!: (error: Error) => void;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => undefined);
  const stop = (error: Error) => {
    if (failure) return;
    failure = error;
    body.unpipe(parser);
    body.off('data', count);
    parser.destroy();
    fail(error);
  };
  const count = (chunk: Buffer) => {
    received += chunk.length;
    if (received > maxBodyBytes) stop(uploadTooLarge(maxFileBytes, true));
  };
  const interrupted = () => new UploadRefused('BAD_REQUEST', 'The upload was interrupted.', null, true);

  parser.on('field', (name, value, info) => {
    if (info.nameTruncated) return;
    if (!fields.has(name)) fields.set(name, value);
  });
  parser.on('file', (name, stream, info) => {
    if (name !== 'file') {
      // Only the photo is kept; any other file part is read past.
      stream.resume();
      return;
    }
    const path = join(tmpDir, `upload-${randomBytes(12).toString('hex')}.part`);
    staged = { path, written: stage(stream, path, info, maxFileBytes) };
    // Too large ends the whole parse at once; a write that fails (a full disk) is the server's error.
    staged.written.catch((error: unknown) => stop(error as Error));
  });
  parser.on('filesLimit', () => stop(new UploadRefused('BAD_REQUEST', 'Send one photo at a time.', 'file')));
  parser.on('fieldsLimit', () => stop(new UploadRefused('BAD_REQUEST', 'Too many form fields.')));
  parser.on('partsLimit', () => stop(new UploadRefused('BAD_REQUEST', 'Too many form fields.')));
  parser.on('error', (error: Error) => stop(new UploadRefused('BAD_REQUEST', `Malformed multipart body: ${error.message}`)));
  const parsed = new Promise<void>((resolve) => parser.on('close', resolve));

  const onAbort = () => stop(interrupted());
  // The server's own body limit (SvelteKit's BODY_SIZE_LIMIT) errors the stream with a 413; else the client went away.
  const onBodyError = (error: Error) =>
    stop((error as { status?: unknown }).status === 413 ? uploadTooLarge(maxFileBytes, true) : interrupted());
  const onBodyClose = () => {
    if (!body.readableEnded) stop(interrupted());
  };

  try {
    if (options.signal?.aborted) throw interrupted();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    body.on('error', onBodyError);
    body.on('close', onBodyClose);
    await ensureDir(tmpDir);
    if (failure) throw failure;
    body.on('data', count);
    body.pipe(parser);
    await Promise.race([parsed, failed]);
    // The parser is done once the file part has ended; its file may still be closing.
    const file = staged ? await Promise.race([(staged as { written: Promise<StagedPhotoFile> }).written, failed]) : null;
    if (failure) throw failure;
    return new StreamedUpload(fields, file);
  } catch (error) {
    stop(error as Error);
    if (staged) {
      const { path, written } = staged as { path: string; written: Promise<StagedPhotoFile> };
      // Removed once its write stream has closed, so nothing recreates it afterwards.
      await written.catch(() => undefined);
      await rm(path, { force: true });
    }
    throw failure ?? error;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    body.off('error', onBodyError);
    body.off('close', onBodyClose);
    body.off('data', count);
  }
}

const madeDirs = new Set<string>();
/** The staging directory, made once per process (and again should something have removed it: see stage). */
async function ensureDir(dir: string): Promise<void> {
  if (madeDirs.has(dir)) return;
  await mkdir(dir, { recursive: true });
  madeDirs.add(dir);
}

/** Writes one file part to `path`, hashing it and keeping its first bytes; rejects past maxFileBytes. */
async function stage(stream: Readable, path: string, info: busboy.FileInfo, maxFileBytes: number): Promise<StagedPhotoFile> {
  const hash = createHash('sha256');
  const head = Buffer.alloc(PHOTO_HEAD_BYTES);
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (size + chunk.length > maxFileBytes) return done(uploadTooLarge(maxFileBytes));
      if (size < PHOTO_HEAD_BYTES) chunk.copy(head, size, 0, Math.min(chunk.length, PHOTO_HEAD_BYTES - size));
      size += chunk.length;
      hash.update(chunk);
      done(null, chunk);
    },
  });
  const file = createWriteStream(path, { flags: 'wx', mode: 0o600 });
  file.once('error', (error: NodeJS.ErrnoException) => {
    // The directory went (a temp cleaner): made again for the next upload.
    if (error.code === 'ENOENT') madeDirs.delete(dirname(path));
  });
  try {
    await pipeline(stream, meter, file);
  } catch (error) {
    // A source that failed early can leave the file still opening: wait until it is closed, so the
    // caller's removal comes after its creation (or a cut-off upload could leave a staging file behind).
    if (!file.closed) await once(file, 'close').catch(() => undefined);
    throw error;
  }
  return new StagedPhotoFile(
    path,
    size,
    hash.digest('hex'),
    new Uint8Array(head.subarray(0, Math.min(size, PHOTO_HEAD_BYTES))),
    info.filename ?? '',
    info.mimeType,
  );
}

/** A refusal as tRPC would have answered it: `{ error: { message, code, data: { code, httpStatus, path, fieldErrors } } }`. */
export function uploadRefusalBody(error: UploadRefused, path = 'uploads.create') {
  return {
    error: {
      message: error.message,
      code: TRPC_ERROR_CODES_BY_KEY[error.code],
      data: { code: error.code, httpStatus: error.status, path, fieldErrors: error.field ? { [error.field]: error.message } : null },
    },
  };
}

export function uploadRefusalResponse(error: UploadRefused, path = 'uploads.create'): Response {
  return Response.json(uploadRefusalBody(error, path), { status: error.status });
}
