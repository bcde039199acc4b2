import type { TRPCError } from '@trpc/server';

export interface FormProblem {
  /** The API's message for the whole request. */
  message: string;
  /** Messages keyed by the input's path, e.g. "customer.email" or "serviceAddress.postalCode". */
  fieldErrors: Record<string, string>;
  /** An HTTP status for fail(). */
  status: number;
}

const STATUS: Partial<Record<TRPCError['code'], number>> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  TOO_MANY_REQUESTS: 429,
};

interface Issue {
  path: PropertyKey[];
  message: string;
}

const issuesOf = (cause: unknown): Issue[] | null =>
  cause && typeof cause === 'object' && 'issues' in cause && Array.isArray(cause.issues) ? (cause.issues as Issue[]) : null;

/**
 * What a form shows for an error from a server-side call. Calls through `locals.api` skip the
 * HTTP error formatter, so the field paths come from the ZodError the API put in `cause`.
 * Anything that is not a TRPCError the app expects (a bug, a dropped database) is rethrown.
 */
export function formProblem(error: unknown): FormProblem {
  if (!isTrpcError(error)) throw error;
  const status = STATUS[error.code];
  if (!status) throw error;
  const fieldErrors: Record<string, string> = {};
  for (const issue of issuesOf(error.cause) ?? []) {
    const path = issue.path.map(String).join('.') || '_';
    fieldErrors[path] ??= issue.message;
  }
  const first = Object.values(fieldErrors)[0];
  return { message: issuesOf(error.cause) ? (first ?? error.message) : error.message, fieldErrors, status };
}

/** By shape, not instanceof: the API package may be bundled with its own copy of @trpc/server. */
export function isTrpcError(error: unknown): error is TRPCError {
  return error instanceof Error && error.name === 'TRPCError' && typeof (error as { code?: unknown }).code === 'string';
}

export const isCode = (error: unknown, code: TRPCError['code']) => isTrpcError(error) && error.code === code;
