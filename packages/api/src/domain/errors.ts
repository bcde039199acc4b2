import { TRPCError } from '@trpc/server';

/** A BAD_REQUEST that names the field, in the same shape as input validation errors. */
export function fieldError(path: (string | number)[], message: string): TRPCError {
  return new TRPCError({
    code: 'BAD_REQUEST',
    message,
    // Shaped like Zod's issues so the error formatter reports both kinds the same way.
    cause: Object.assign(new Error(message), { issues: [{ path, message }] }),
  });
}

export const notFound = (what: string) => new TRPCError({ code: 'NOT_FOUND', message: `${what} not found.` });
export const conflict = (message: string) => new TRPCError({ code: 'CONFLICT', message });
export const forbidden = (message: string) => new TRPCError({ code: 'FORBIDDEN', message });

export const JOB_NO_LONGER_AVAILABLE = 'Job no longer available';
export const tooManyRequests = (message: string) => new TRPCError({ code: 'TOO_MANY_REQUESTS', message });
