/** Signed photo URLs: the signature is the authorization, granted when the URL was handed out. */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ApiDeps } from '../deps';

export const UPLOAD_URL_TTL_SECONDS = 3600;

export type SigningDeps = Pick<ApiDeps, 'clock' | 'urlSigningSecret'>;

const signatureOf = (secret: string, uploadId: string, exp: number) =>
  createHmac('sha256', secret).update(`${uploadId}.${exp}`).digest('hex');

/** A path on this app that serves the photo for an hour to whoever holds it. */
export function signUploadUrl(deps: SigningDeps, uploadId: string): string {
  // Expiry rounded up to the next whole TTL: the same photo gets the same URL for a while, so
  // browsers reuse their cached copy across reloads instead of fetching it again.
  const exp = Math.ceil(deps.clock.now().getTime() / 1000 / UPLOAD_URL_TTL_SECONDS + 1) * UPLOAD_URL_TTL_SECONDS;
  return `/api/uploads/${encodeURIComponent(uploadId)}?exp=${exp}&sig=${signatureOf(deps.urlSigningSecret, uploadId, exp)}`;
}

export function verifyUploadSignature(
  deps: SigningDeps,
  uploadId: string,
  exp: string | number | null | undefined,
  sig: string | null | undefined,
): boolean {
  const expText = String(exp ?? '');
  // Canonical digits only: "0123" would otherwise verify with the signature of "123".
  if (!/^[1-9]\d{0,11}$/.test(expText) || !sig || !/^[0-9a-f]{64}$/.test(sig)) return false;
  const expSeconds = Number(expText);
  if (expSeconds * 1000 <= deps.clock.now().getTime()) return false;
  const expected = Buffer.from(signatureOf(deps.urlSigningSecret, uploadId, expSeconds), 'hex');
  return timingSafeEqual(expected, Buffer.from(sig, 'hex'));
}
