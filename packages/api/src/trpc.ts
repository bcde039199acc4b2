import { initTRPC, TRPCError } from '@trpc/server';
import { z } from 'zod';
import { isRetryable, type Database } from '@h2s/db';
import type { Viewer } from './domain/auth';
import type { FileStore } from './domain/storage';
import type { Payments } from './domain/payments';
import type { Clock } from './domain/clock';
import type { LiveBus } from './domain/live';

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

/** Long-lived services, made once per process (or once per test). */
export interface ApiDeps {
  db: Database;
  clock: Clock;
  storage: FileStore;
  payments: Payments;
  live: LiveBus;
  /** Signs upload URLs and test-checkout events' companions; never sent to a browser. */
  urlSigningSecret: string;
  /** Where this app is reachable, for links in email and Stripe return URLs. */
  customerOrigin: string;
  /** Cookies are Secure in production. */
  secureCookies: boolean;
  /** Development conveniences (the mail outbox page) are on only outside production. */
  development: boolean;
  /** Account mail goes through the worker (SMTP) when SMTP_URL is set or in production; else straight to the dev outbox. */
  mailViaWorker?: boolean;
}

/** Everything a procedure sees: plain data, so tests build it without HTTP (see createCaller). */
export interface Context extends ApiDeps {
  viewer: Viewer | null;
  cookies: CookieJar;
  /** The session cookie's name differs per app, so a pro and a customer can share a browser. */
  sessionCookie: string;
  /** The caller's address, for rate limits; null when unknown. */
  clientIp: string | null;
}

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    const issues = issuesOf(error.cause);
    return {
      ...shape,
      data: {
        ...shape.data,
        // The offending fields, so a form can show each message next to its input.
        fieldErrors: issues ? fieldErrorsOf(issues) : null,
        stack: undefined,
      },
    };
  },
});

export interface FieldIssue {
  path: PropertyKey[];
  message: string;
}

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
  return issues ? fieldErrorsOf(issues) : null;
}

export function fieldErrorsOf(issues: FieldIssue[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of issues) {
    const path = issue.path.map(String).join('.') || '_';
    out[path] ??= issue.message;
  }
  return out;
}

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;
export const mergeRouters = t.mergeRouters;

/** A dropped connection or a serialization failure is the client's cue to retry, not a bug: 503. */
const retryableErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.code === 'INTERNAL_SERVER_ERROR' && isRetryable(result.error.cause)) {
    throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: 'Temporary failure; please retry.', cause: result.error.cause });
  }
  return result;
});

export const publicProcedure = t.procedure.use(retryableErrors);

const signedIn = t.middleware(({ ctx, next }) => {
  if (!ctx.viewer) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in to continue.' });
  return next({ ctx: { ...ctx, viewer: ctx.viewer } });
});

function roleProcedure<R extends Viewer['role']>(role: R) {
  return publicProcedure.use(signedIn).use(({ ctx, next }) => {
    if (ctx.viewer.role !== role) {
      throw new TRPCError({ code: 'FORBIDDEN', message: `This is for ${role}s only.` });
    }
    return next({ ctx: { ...ctx, viewer: ctx.viewer as Viewer & { role: R } } });
  });
}

export const authedProcedure = publicProcedure.use(signedIn);
export const customerProcedure = roleProcedure('customer');
export const proProcedure = roleProcedure('pro');
export const adminProcedure = roleProcedure('admin');

/** Shared input pieces. */
export const jobIdInput = z.object({ jobId: z.string().trim().regex(/^JOB-[A-Z2-7]{8}$/, 'Not a job id') });
/** Stripe Checkout Session ids (and the test checkout's) are `cs_` and word characters. */
export const sessionIdInput = z.string().trim().regex(/^cs_\w{4,250}$/, 'Not a checkout session id');
