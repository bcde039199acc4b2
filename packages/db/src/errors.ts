/** The PostgreSQL error behind a failure, whether raised by postgres.js directly or wrapped by Drizzle. */
export interface PgError {
  code: string;
  constraint_name?: string;
  message: string;
}

export function pgErrorOf(error: unknown): PgError | null {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const candidate = current as Partial<PgError> & { cause?: unknown };
    if (typeof candidate.code === 'string' && /^[0-9A-Z]{5}$/.test(candidate.code)) return candidate as PgError;
    current = candidate.cause;
  }
  return null;
}

export const isUniqueViolation = (error: unknown, constraint?: string) => {
  const pg = pgErrorOf(error);
  return pg?.code === '23505' && (!constraint || pg.constraint_name === constraint);
};

/** An EXCLUDE constraint refused the row (e.g. a pro's overlapping windows). */
export const isExclusionViolation = (error: unknown, constraint?: string) => {
  const pg = pgErrorOf(error);
  return pg?.code === '23P01' && (!constraint || pg.constraint_name === constraint);
};

export const isDeadlock = (error: unknown) => pgErrorOf(error)?.code === '40P01';

/**
 * Runs a whole transaction again when PostgreSQL aborted it for a deadlock or a serialization
 * failure: nothing of it was committed, so a second run is safe, and the caller sees an answer
 * instead of a 503 it would have to retry itself.
 */
export async function retryAbortedTransaction<T>(run: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      const code = pgErrorOf(error)?.code;
      if (attempt >= attempts || (code !== '40P01' && code !== '40001')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 * attempt + Math.random() * 10));
    }
  }
}

/** Errors a client may retry: a serialization failure, a deadlock, or a lost connection. */
export function isRetryable(error: unknown): boolean {
  const pg = pgErrorOf(error);
  if (pg) return ['40001', '40P01', '57P01', '57P02', '57P03', '08006', '08003', '08000'].includes(pg.code);
  // The driver's own connection errors, wherever they sit in the cause chain (Drizzle wraps them).
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECTION_ERRORS.has(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

const CONNECTION_ERRORS = new Set(['CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'ECONNRESET', 'ECONNREFUSED']);
