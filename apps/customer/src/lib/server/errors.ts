import type { TRPCError } from '@trpc/server';
import { fieldErrorsOfError } from '@h2s/api/server';

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

/**
 * What a form shows for an error from a server-side call. Calls through `locals.api` skip the
 * HTTP error formatter, so the field messages come from `fieldErrorsOfError`.
 * Anything that is not a TRPCError the app expects (a bug, a dropped database) is rethrown.
 */
export function formProblem(error: unknown): FormProblem {
  if (!isTrpcError(error)) throw error;
  const status = STATUS[error.code];
  if (!status) throw error;
  const fieldErrors = fieldErrorsOfError(error) ?? {};
  // An input error's own message is the issue list as JSON; the first field's message reads better.
  return { message: Object.values(fieldErrors)[0] ?? error.message, fieldErrors, status };
}

/** By shape, not instanceof: the API package may be bundled with its own copy of @trpc/server. */
export function isTrpcError(error: unknown): error is TRPCError {
  return error instanceof Error && error.name === 'TRPCError' && typeof (error as { code?: unknown }).code === 'string';
}

export const isCode = (error: unknown, code: TRPCError['code']) => isTrpcError(error) && error.code === code;
