import { initTRPC, TRPCError } from '@trpc/server';
import { z } from 'zod';
import { isRetryable, jobIdSchema } from '@h2s/db';
import type { Viewer } from './domain/auth';
import { DomainError, type FieldIssue } from './domain/errors';
import type { ApiDeps } from './domain/deps';
import { errorIdOf, publicInternalMessage } from './internal-errors';

export type { ApiDeps } from './domain/deps';

/** Writes the session cookie: SvelteKit's `cookies` in the apps, response headers in plain HTTP. */
export interface CookieJar {
  get(name: string): string | undefined;
  set(name: string, value: string, options: { maxAgeSeconds: number }): void;
  delete(name: string): void;
}

/** What one HTTP request brings: its cookies and its caller's address. */
export interface RequestScope {
  cookies: CookieJar;
  clientIp: string | null;
}

/** Everything a procedure sees: plain data, so tests build it without HTTP (see createCaller). */
export interface Context extends ApiDeps {
  viewer: Viewer | null;
  cookies: CookieJar;
  /** The session cookie's name differs per app, so a pro and a customer can share a browser. */
  sessionCookie: string;
  /** The hash of this request's session token (the sessions row's key); null when not signed in. */
  sessionKey: string | null;
  /** The caller's address, for rate limits; null when unknown. */
  clientIp: string | null;
}

/**
 * The app's error shape, from tRPC's default one: tRPC's handlers call it as the router's
 * `errorFormatter`, and the node:http lanes (http/error-shape.ts) with the same default shape.
 */
export function formatErrorShape<S extends { message: string; data: object }>({ shape, error }: { shape: S; error: TRPCError }) {
  if (error.code === 'INTERNAL_SERVER_ERROR') {
    // Its message may be a failed query with its parameters: the user gets the id, the log the rest.
    const errorId = errorIdOf(error);
    return { ...shape, message: publicInternalMessage(errorId), data: { ...shape.data, fieldErrors: null, stack: undefined, errorId } };
  }
  const issues = issuesOf(error.cause);
  return {
    ...shape,
    data: {
      ...shape.data,
      // The offending fields, so a form can show each message next to its input.
      fieldErrors: issues ? messagesByField(issues) : null,
      stack: undefined,
      // Every 5xx (a 503 "retry" too) carries the id it is logged under (issue 20, item 8).
      ...(((shape.data as { httpStatus?: number }).httpStatus ?? 0) >= 500 ? { errorId: errorIdOf(error) } : {}),
    },
  };
}

const t = initTRPC.context<Context>().create({ errorFormatter: formatErrorShape });

export type { FieldIssue };

/** Validation issues on an error's cause: Zod's (input parsing) or ours (fieldError). */
export function issuesOf(cause: unknown): FieldIssue[] | null {
  const issues = (cause as { issues?: unknown } | undefined)?.issues;
  return Array.isArray(issues) ? (issues as FieldIssue[]) : null;
}

/**
 * The messages by field of an error from a server-side call (`createCaller` skips the HTTP error
 * formatter that puts them in `error.data.fieldErrors`); null when the error names no field.
 */
export function fieldErrorsOfError(error: unknown): Record<string, string> | null {
  const issues = issuesOf((error as { cause?: unknown } | null)?.cause);
  return issues ? messagesByField(issues) : null;
}

/** The first message for each field path ("customer.email"; "_" for the input as a whole). */
export function messagesByField(issues: FieldIssue[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of issues) {
    const path = issue.path.map(String).join('.') || '_';
    out[path] ??= issue.message;
  }
  return out;
}

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/**
 * The one place domain errors become tRPC errors: a DomainError keeps its code, message and fields
 * (its `issues` stay on the cause for the formatter); a dropped connection or a serialization
 * failure is the client's cue to retry, not a bug: 503.
 */
const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (result.ok) return result;
  const cause = result.error.cause;
  if (cause instanceof DomainError) throw new TRPCError({ code: cause.code, message: cause.message, cause });
  if (result.error.code === 'INTERNAL_SERVER_ERROR' && isRetryable(cause)) {
    throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: 'Temporary failure; please retry.', cause });
  }
  return result;
});

export const publicProcedure = t.procedure.use(mapErrors);

const signedIn = t.middleware(({ ctx, next }) => {
  if (!ctx.viewer) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in to continue.' });
  // Only what changes: tRPC merges it into the context itself (a whole copy here was a second spread of
  // ~17 fields per middleware, 10% of the portal's CPU under load, issue 13).
  return next({ ctx: { viewer: ctx.viewer } });
});

/** Signed in with this role: one middleware (one context merge) for both checks, in signedIn's order. */
function roleProcedure<R extends Viewer['role']>(role: R) {
  return publicProcedure.use(({ ctx, next }) => {
    if (!ctx.viewer) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in to continue.' });
    if (ctx.viewer.role !== role) {
      throw new TRPCError({ code: 'FORBIDDEN', message: `This is for ${role}s only.` });
    }
    return next({ ctx: { viewer: ctx.viewer as Viewer & { role: R } } });
  });
}

export const authedProcedure = publicProcedure.use(signedIn);
export const customerProcedure = roleProcedure('customer');
export const ACCOUNT_SIGN_IN_MESSAGE = 'Sign in with the emailed link to see all your orders.';
/** The customer's whole account: a checkout grant (one order) is not enough, the emailed link is. */
export const accountProcedure = customerProcedure.use(({ ctx, next }) => {
  if (ctx.viewer.scopeOrderId) throw new TRPCError({ code: 'FORBIDDEN', message: ACCOUNT_SIGN_IN_MESSAGE });
  return next();
});
export const proProcedure = roleProcedure('pro');
export const adminProcedure = roleProcedure('admin');

/**
 * A procedure's output schema, checked where it can be fixed and trusted where it is served: outside
 * production (tests, development) every output is parsed, and a field the schema does not declare is
 * an error rather than silently stripped, so production, which skips the parse (issue 13: it was 15%
 * of offers.list), sends exactly what the tests checked. The type is the schema's, for the client.
 */
export function checkedOutput<S extends z.ZodType>(schema: S): ((value: unknown) => z.output<S>) & { schema: S } {
  const check = (value: unknown): z.output<S> => {
    if (process.env.NODE_ENV === 'production') return value as z.output<S>;
    const parsed = schema.parse(value);
    const undeclared = undeclaredField(value, parsed, '');
    if (undeclared !== null) throw new Error(`Output field "${undeclared}" is not in the procedure's output schema`);
    return parsed;
  };
  return Object.assign(check, { schema });
}

/** The first field of `raw` (an output) that parsing dropped: its path, or null when none was. */
function undeclaredField(raw: unknown, parsed: unknown, path: string): string | null {
  if (typeof raw !== 'object' || raw === null || typeof parsed !== 'object' || parsed === null || raw instanceof Date) return null;
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    const at = Array.isArray(raw) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
    if (!(key in parsed)) return at;
    const inner = undeclaredField(value, (parsed as Record<string, unknown>)[key], at);
    if (inner !== null) return inner;
  }
  return null;
}

/** Shared input pieces. */
export const jobIdInput = z.object({ jobId: jobIdSchema });
/** Stripe Checkout Session ids (and the test checkout's) are `cs_` and word characters. */
export const sessionIdInput = z
  .string()
  .trim()
  .regex(/^cs_\w{4,250}$/, 'Not a checkout session id');
