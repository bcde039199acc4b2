/**
 * What a page shows for an error from a server-side API call (`locals.api`), in both apps.
 * Expected API errors become form messages or page errors with their HTTP status; anything else
 * (a bug, a dropped database) is rethrown for SvelteKit's own 500.
 */
import { error, redirect } from '@sveltejs/kit';
import type { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { fieldErrorsOfError } from '@h2s/api/server';

export type ApiErrorCode = TRPCError['code'];

/** By shape, not instanceof: the API package may be bundled with its own copy of @trpc/server. */
export function isTrpcError(e: unknown): e is TRPCError {
  return e instanceof Error && e.name === 'TRPCError' && typeof (e as { code?: unknown }).code === 'string';
}

/** True when `e` is an API error with this code. */
export const isCode = (e: unknown, code: ApiErrorCode): e is TRPCError => isTrpcError(e) && e.code === code;

/**
 * The HTTP status of an error the user can act on (400, 401, 403, 404, 409, 413, 429, 503: a busy
 * database is "try again", not a bug); null for a bug or anything that is not an API error.
 */
export function expectedStatus(e: unknown): number | null {
  if (!isTrpcError(e) || e.code === 'INTERNAL_SERVER_ERROR') return null;
  return getHTTPStatusCodeFromError(e);
}

/** A BAD_REQUEST's messages by input path ("customer.email"); null for any other error. */
export function badRequestFieldErrors(e: unknown): Record<string, string> | null {
  // Server-side calls skip the HTTP error formatter, so the messages come from the error's cause.
  return isCode(e, 'BAD_REQUEST') ? fieldErrorsOfError(e) : null;
}

export interface FormProblem {
  /** The message for the whole form: the first field's message reads better than an issue list. */
  message: string;
  /** Messages keyed by the input's path, e.g. "customer.email" or "serviceAddress.postalCode". */
  fieldErrors: Record<string, string>;
  /** An HTTP status for fail(). */
  status: number;
}

/** For actions: what the form shows; rethrows what is not the user's to fix. */
export function formProblem(e: unknown): FormProblem {
  const status = expectedStatus(e);
  if (status === null || !isTrpcError(e)) throw e;
  const fieldErrors = badRequestFieldErrors(e) ?? {};
  return { message: Object.values(fieldErrors)[0] ?? e.message, fieldErrors, status };
}

/** For actions that show one message: the status and message of `formProblem`. */
export function actionMessage(e: unknown): { status: number; message: string } {
  const { status, message } = formProblem(e);
  return { status, message };
}

export const loginUrl = (url: URL, loginPath = '/login') => `${loginPath}?next=${encodeURIComponent(url.pathname + url.search)}`;

/**
 * For loads: turns an API error into the page error SvelteKit shows (404, 403, 503...), and a lost
 * session into the sign-in page that comes back here. Anything else is a real failure.
 */
export function failLoad(e: unknown, url: URL, loginPath = '/login'): never {
  if (isCode(e, 'UNAUTHORIZED')) redirect(303, loginUrl(url, loginPath));
  // A load's input comes from the URL: a malformed id is a page that does not exist.
  if (isCode(e, 'BAD_REQUEST')) error(404, 'Not found.');
  const status = expectedStatus(e);
  if (status !== null && isTrpcError(e)) error(status, e.message);
  throw e;
}
