/** GET /api/uploads/{uploadId}: the photo route both apps mount (moved out of the domain, issue 13). */
import { customerUploads, eq } from '@h2s/db';
import { isId } from '@h2s/db/ids';
import { thumbnailFor, THUMBNAIL_MIME } from '../domain/thumbnails';
import { contentDisposition, downloadName, extOf, verifyUploadSignature } from '../domain/uploads';
import type { ApiDeps, RequestScope } from '../trpc';

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
