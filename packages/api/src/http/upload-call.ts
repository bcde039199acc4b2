/**
 * `POST /api/trpc/uploads.create` with a multipart body, streamed (issue 13): the body is parsed to
 * a temporary file (multipart.ts), then the call goes through tRPC's own fetch handler with the
 * StreamedUpload as its raw input, so the answer, its errors and its status are tRPC's to the byte.
 */
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { parseStreamedUpload, UPLOAD_BODY_LIMIT, UploadRefused, uploadRefusalResponse, type StreamedUploadOptions } from './multipart';
import type { StreamedUpload } from '../domain/uploads/received';

const UPLOAD_PATH = '/api/trpc/uploads.create';

/**
 * The request tRPC sees: no body, and `formData()` gives the streamed upload. tRPC's multipart
 * handler passes what `formData()` returns to the procedure as its raw input, which the
 * uploads.create input schema takes as it takes a FormData.
 */
class StreamedUploadRequest extends Request {
  readonly upload: StreamedUpload;
  constructor(request: Request, upload: StreamedUpload) {
    const headers = new Headers(request.headers);
    headers.delete('content-length');
    super(request.url, { method: 'POST', headers, signal: request.signal });
    this.upload = upload;
  }

  override formData(): Promise<FormData> {
    return Promise.resolve(this.upload as unknown as FormData);
  }
}

/** A photo upload over HTTP, to be streamed: a multipart POST to uploads.create (not already one of ours). */
export function isStreamedUploadCall(request: Request): boolean {
  if (request.method !== 'POST' || !request.body || request instanceof StreamedUploadRequest) return false;
  if (!(request.headers.get('content-type') ?? '').toLowerCase().startsWith('multipart/form-data')) return false;
  return new URL(request.url).pathname === UPLOAD_PATH;
}

/**
 * Parses the body to disk, then answers with `respond` (tRPC's fetch handler) given a request whose
 * form is the StreamedUpload. The temporary file is removed once the answer is made, whatever it is.
 */
export async function streamUploadCall(
  request: Request,
  respond: (request: Request) => Promise<Response>,
  options: Pick<StreamedUploadOptions, 'tmpDir'> = {},
): Promise<Response> {
  const body = Readable.fromWeb(request.body as NodeReadableStream<Uint8Array>);
  let upload: StreamedUpload;
  try {
    upload = await parseStreamedUpload(Object.fromEntries(request.headers), body, { ...options, signal: request.signal });
  } catch (error) {
    await discardRest(body, error);
    if (error instanceof UploadRefused) return uploadRefusalResponse(error);
    throw error;
  }
  try {
    return await respond(new StreamedUploadRequest(request, upload));
  } finally {
    await upload.dispose();
  }
}

/**
 * After a failure: the rest of a body within the limit (a photo a few bytes too large, a second
 * file) is read and dropped, so the answer goes out on an open connection; a body past the limit,
 * or one the client broke off, is cancelled (the connection closes, as the server's own limit does).
 */
async function discardRest(body: Readable, error: unknown): Promise<void> {
  if (body.destroyed || body.readableEnded) return;
  if (error instanceof UploadRefused && error.cutOff) {
    body.destroy();
    return;
  }
  let drained = 0;
  await new Promise<void>((resolve) => {
    body.on('data', (chunk: Buffer) => {
      drained += chunk.length;
      if (drained > UPLOAD_BODY_LIMIT) body.destroy();
    });
    body.once('end', resolve);
    body.once('close', resolve);
    body.once('error', () => resolve());
    body.resume();
  });
}
