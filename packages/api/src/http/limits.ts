/**
 * Refusals made at the edge of /api/trpc before a byte of the body is read (issue 20, items 3 and 4),
 * one rule for every HTTP path: the node:http server and SvelteKit's route each call `edgeRefusal`
 * with one line.
 * - A batch carries at most MAX_BATCH_SIZE calls, and sign-in, link and password procedures are never
 *   batched (each is rate limited per call; a batch would spend the password hasher for everyone).
 * - Multipart (or any body that is not JSON) is taken only where it is streamed with its limits:
 *   `POST /api/trpc/uploads.create`, spelled exactly so, unbatched. Any other spelling is a 415.
 */
export const MAX_BATCH_SIZE = 10;

/** Procedures that check a password or spend a sign-in link: one call per request. */
export const NEVER_BATCHED = new Set([
  'auth.login',
  'auth.checkoutSession',
  'account.requestLink',
  'account.redeemLink',
  'admin.createPro',
  'admin.updatePro',
]);

const PREFIX = '/api/trpc/';
const STREAMED_UPLOAD = `${PREFIX}uploads.create`;

export interface EdgeRefusal {
  status: 400 | 415;
  code: 'BAD_REQUEST' | 'UNSUPPORTED_MEDIA_TYPE';
  message: string;
}

const mediaType = (value: string | null | undefined) => value?.split(';', 1)[0]?.trim().toLowerCase() || null;

/**
 * The refusal for a request to /api/trpc, or null to serve it. `url` is the request target as sent
 * (path and query, or a whole URL).
 */
export function edgeRefusal(request: { method: string; url: string; contentType: string | null | undefined }): EdgeRefusal | null {
  const target = request.url.startsWith('/') ? request.url : request.url.replace(/^[a-z]+:\/\/[^/]*/i, '');
  if (!target.startsWith(PREFIX)) return null;
  const q = target.indexOf('?');
  const rawPath = q < 0 ? target : target.slice(0, q);
  const params = new URLSearchParams(q < 0 ? '' : target.slice(q + 1));
  const batched = params.has('batch');

  if (batched) {
    let paths: string[];
    try {
      paths = decodeURIComponent(rawPath.slice(PREFIX.length)).split(',');
    } catch {
      return { status: 400, code: 'BAD_REQUEST', message: 'The procedure path is not valid percent-encoding.' };
    }
    if (paths.length > MAX_BATCH_SIZE)
      return {
        status: 400,
        code: 'BAD_REQUEST',
        message: `A batch carries at most ${MAX_BATCH_SIZE} calls; this one has ${paths.length}. Send the rest in another request.`,
      };
    const unbatched = paths.find((path) => NEVER_BATCHED.has(path.trim()));
    if (unbatched && paths.length > 1)
      return {
        status: 400,
        code: 'BAD_REQUEST',
        message: `${unbatched.trim()} is never batched (each sign-in, link or password call is limited on its own): send it in a request by itself.`,
      };
  }

  if (request.method === 'GET' || request.method === 'HEAD') return null;
  const media = mediaType(request.contentType);
  if (media === null || media === 'application/json') return null;
  if (media === 'multipart/form-data' && rawPath === STREAMED_UPLOAD && !batched) return null;
  return {
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message:
      media === 'multipart/form-data'
        ? 'Only POST /api/trpc/uploads.create takes a multipart body (spelled exactly so, not batched); every other call sends application/json.'
        : `A call's body is application/json (or multipart/form-data to /api/trpc/uploads.create), not ${media}.`,
  };
}
