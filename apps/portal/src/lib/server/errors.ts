import { error, redirect } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { fieldErrorsOfError } from '@h2s/api/server';

/** True when `e` is a tRPC error with this code (the server-side caller throws them as they are). */
export function isTrpcCode(e: unknown, code: TRPCError['code']): e is TRPCError {
  return e instanceof TRPCError && e.code === code;
}

/**
 * For loads: turns an API error into the page error SvelteKit shows (404, 403, ...), and a lost
 * session into the sign-in page that comes back here. Anything else is a real failure.
 */
export function failLoad(e: unknown, url: URL): never {
  if (e instanceof TRPCError) {
    if (e.code === 'UNAUTHORIZED') redirect(303, loginUrl(url));
    // A load's input comes from the URL: a malformed id is a page that does not exist.
    if (e.code === 'BAD_REQUEST') error(404, 'Not found.');
    if (e.code !== 'INTERNAL_SERVER_ERROR') error(getHTTPStatusCodeFromError(e), e.message);
  }
  throw e;
}

export const loginUrl = (url: URL) => `/login?next=${encodeURIComponent(url.pathname + url.search)}`;

/** A form's messages by field, from a BAD_REQUEST's Zod cause (the same shape as `error.data.fieldErrors`). */
export function fieldErrorsOf(e: unknown): Record<string, string> | null {
  return e instanceof TRPCError && e.code === 'BAD_REQUEST' ? fieldErrorsOfError(e) : null;
}

/** For actions: the message to show, or rethrow what is not the user's to fix. */
export function actionMessage(e: unknown): { status: number; message: string } {
  if (e instanceof TRPCError && e.code !== 'INTERNAL_SERVER_ERROR') {
    // An input error's own message is the issue list as JSON; show its first message instead.
    const first = Object.values(fieldErrorsOf(e) ?? {})[0];
    return { status: getHTTPStatusCodeFromError(e), message: first ?? e.message };
  }
  throw e;
}
