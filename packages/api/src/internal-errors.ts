/**
 * Internal errors never reach users: a database error's message holds SQL and its parameters
 * (session token hashes among them). The user gets a generic message with an error id; the detail
 * goes only to the server log, under that id, so a report can be matched to it.
 */
import { randomBytes } from 'node:crypto';

export const INTERNAL_ERROR_MESSAGE = 'Something went wrong on our side. Please try again.';

const ids = new WeakMap<object, string>();

/** The error's id, the same every time it is asked for (the formatter and onError both ask). */
export function errorIdOf(error: unknown): string {
  const key = typeof error === 'object' && error !== null ? error : null;
  const known = key ? ids.get(key) : undefined;
  if (known) return known;
  const id = `ERR-${randomBytes(5).toString('hex').toUpperCase()}`;
  if (key) ids.set(key, id);
  return id;
}

/** What the user sees for an internal error. */
export const publicInternalMessage = (errorId: string) => `${INTERNAL_ERROR_MESSAGE} (error id ${errorId})`;

/** Logs the full detail (message, SQL, parameters, stack, causes) under the error's id; returns the id. */
export function logInternalError(error: unknown, where: string, log: (...args: unknown[]) => void = console.error): string {
  const id = errorIdOf(error);
  log(`[error ${id}] ${where}:`, error);
  return id;
}

/**
 * SvelteKit's handleError for both apps: errors that escape a load or action (a server-side
 * caller's TRPCError included) are logged under an id, and the page shows only the id.
 */
export function handleServerError(input: { error: unknown; event: { url: URL }; status: number; message: string }): {
  message: string;
  errorId?: string;
} {
  // SvelteKit's own refusals (no such route, method not allowed) say nothing internal.
  if (input.status < 500) return { message: input.message };
  const id = logInternalError(input.error, `${input.event.url.pathname}`);
  return { message: publicInternalMessage(id), errorId: id };
}
