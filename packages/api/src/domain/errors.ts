/**
 * The domain's own error: a code the transport maps (tRPC in trpc.ts, plain HTTP in http/), a message
 * for people, and the offending fields. The domain never imports its transport.
 */
export type DomainErrorCode =
  'BAD_REQUEST' | 'UNAUTHORIZED' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT' | 'PAYLOAD_TOO_LARGE' | 'TOO_MANY_REQUESTS';

export interface FieldIssue {
  path: PropertyKey[];
  message: string;
}

export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** Shaped like Zod's issues, so input errors and domain errors reach a form the same way. */
    readonly issues: FieldIssue[] | null = null,
    /** For TOO_MANY_REQUESTS: when a retry may succeed. */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
  }
}

/** A BAD_REQUEST that names the field, in the same shape as input validation errors. */
export const fieldError = (path: (string | number)[], message: string) => new DomainError('BAD_REQUEST', message, [{ path, message }]);
export const notFound = (what: string) => new DomainError('NOT_FOUND', `${what} not found.`);
export const conflict = (message: string) => new DomainError('CONFLICT', message);
export const forbidden = (message: string) => new DomainError('FORBIDDEN', message);
export const unauthorized = (message: string) => new DomainError('UNAUTHORIZED', message);
export const payloadTooLarge = (message: string) => new DomainError('PAYLOAD_TOO_LARGE', message);
export const tooManyRequests = (message: string, retryAfterSeconds: number | null = null) =>
  new DomainError('TOO_MANY_REQUESTS', message, null, retryAfterSeconds);

/** A CONFLICT the caller may override by asking again with its confirmation (e.g. assigning outside a pro's radius). */
export const needsConfirmation = (message: string) =>
  Object.assign(new DomainError('CONFLICT', message), { needsConfirmation: true as const });

export const isNeedsConfirmation = (error: unknown) =>
  (error as { cause?: { needsConfirmation?: unknown } } | null)?.cause?.needsConfirmation === true;

export const JOB_NO_LONGER_AVAILABLE = 'Job no longer available';
