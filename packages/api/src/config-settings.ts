/**
 * The operational settings (issue 20, item 7): every one validated at start, with the same schema the
 * code that uses them reads (domain/policy.ts for the dispatch timers), so a bad value stops the start
 * naming the variable instead of failing requests later. Units are in the names; README lists them.
 */
import { z } from 'zod';
import { policyEnvShape } from './domain/policy';

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const wholeNumber = (min: number, max: number) => z.preprocess(blank, z.coerce.number().int().min(min).max(max).optional());
const port = wholeNumber(1, 65_535);

/** adapter-node's BODY_SIZE_LIMIT: bytes, or a number with K, M or G, or Infinity. */
const bodySize = z.preprocess(
  blank,
  z
    .string()
    .regex(/^(\d+(\.\d+)?[kmg]?|infinity)$/i, 'bytes, or a number with K, M or G (e.g. 11M), or Infinity')
    .optional(),
);

const smtpUrl = z.preprocess(
  blank,
  z
    .string()
    .refine((v) => {
      try {
        return ['smtp:', 'smtps:'].includes(new URL(v).protocol);
      } catch {
        return false;
      }
    }, 'not an smtp:// or smtps:// URL')
    .optional(),
);

export const operationalShape = {
  ...policyEnvShape,
  WORKER_CONCURRENCY: wholeNumber(1, 64),
  WEB_CONCURRENCY: wholeNumber(1, 256),
  DATABASE_STATEMENT_TIMEOUT_MS: wholeNumber(0, 24 * 3600 * 1000),
  EMBEDDED_PG_PORT: port,
  CUSTOMER_PORT: port,
  PORTAL_PORT: port,
  PORT: port,
  XFF_DEPTH: wholeNumber(1, 32),
  BODY_SIZE_LIMIT: bodySize,
  SMTP_URL: smtpUrl,
  MAIL_FROM: z.preprocess(blank, z.string().max(320).optional()),
  LIVE_STREAMS_PER_SESSION: wholeNumber(1, 1_000_000),
  LIVE_STREAMS_PER_PROCESS: wholeNumber(1, 1_000_000),
  SMS_MODE: z.preprocess(blank, z.enum(['off'], { message: 'SMS_MODE takes one value: off' }).optional()),
};

export const OPERATIONAL_PURPOSE: Record<keyof typeof operationalShape, string> = {
  OFFER_WIDEN_AFTER_MINUTES: 'Whole minutes an open job waits before it is offered farther out, 0 to 43200 (default 30).',
  OFFER_ESCALATE_AFTER_MINUTES: 'Whole minutes after widening before a job is flagged "needs dispatch", 0 to 43200 (default 60).',
  RESCHEDULE_CUTOFF_HOURS: 'Hours before the window until which customers reschedule or cancel themselves, 0 to 720 (default 24).',
  WORKER_CONCURRENCY: 'Jobs the background worker runs at once, a whole number from 1 to 64 (default 2).',
  WEB_CONCURRENCY: 'Worker processes per app, a whole number from 1 to 256 (default 1).',
  DATABASE_STATEMENT_TIMEOUT_MS: 'Milliseconds before the server cancels a statement, 0 (off) to 86400000 (default 30000).',
  EMBEDDED_PG_PORT: "The embedded database's port under pnpm dev, 1 to 65535 (default 54329).",
  CUSTOMER_PORT: 'Where pnpm start runs the storefront, a port from 1 to 65535 (default 3000).',
  PORTAL_PORT: 'Where pnpm start runs the portal, a port from 1 to 65535 (default 3001).',
  PORT: 'Where one built app listens, a port from 1 to 65535.',
  XFF_DEPTH: "Which X-Forwarded-For entry (from the right) is the client's address, 1 to 32 (adapter-node).",
  BODY_SIZE_LIMIT: "adapter-node's request size limit: bytes, or with K, M or G (default 11M).",
  SMTP_URL: 'Where email is sent, smtp://user:password@host:587 (or smtps://).',
  MAIL_FROM: 'The sender of customer email, at most 320 characters.',
  LIVE_STREAMS_PER_SESSION: 'Live update streams one session may hold open at once, 1 to 1000000 (default 8).',
  LIVE_STREAMS_PER_PROCESS: 'Live update streams one app process holds open at once, 1 to 1000000 (default 2000).',
  SMS_MODE:
    'off: run without text messages (each text is recorded, never sent); in production without the TWILIO_ settings texts are off anyway, and the start says so.',
};
