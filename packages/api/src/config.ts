/**
 * The one place the apps read their settings: process.env parsed once, at start, into typed values.
 * In production it fails closed: every missing or unsafe setting is listed with what it is for, and
 * the app refuses to start (no committed development secret is ever used there).
 */
import { z } from 'zod';
import { DEV_WEBHOOK_SECRET } from './domain/payments';
import { OPERATIONAL_PURPOSE, operationalShape } from './config-settings';
import { DEFAULT_STREAMS_PER_PROCESS, DEFAULT_STREAMS_PER_SESSION } from './http/stream-limits';
import { OFFER_RANKINGS, type OfferRanking } from './domain/policy';
import { TWILIO_PURPOSE, twilioSettings, type TwilioSettings } from './config-twilio';

export const DEV_URL_SIGNING_SECRET = 'h2s-dev-url-signing-secret-not-for-production';

export type AppName = 'customer' | 'portal';
export type PaymentsMode = 'stripe' | 'test';

export interface AppConfig {
  app: AppName;
  production: boolean;
  databaseUrl: string | null;
  databasePoolMax: number;
  paymentsMode: PaymentsMode;
  stripeSecretKey: string | null;
  stripeWebhookSecret: string;
  urlSigningSecret: string;
  /** This app's public origin (adapter-node's ORIGIN), null when unknown (development). */
  ownOrigin: string | null;
  /** The storefront's public origin: links in email and Stripe's return URLs. */
  customerOrigin: string;
  /** HTTPS in production: Secure `__Host-` cookies and HSTS. */
  secureTransport: boolean;
  uploadThingToken: string | null;
  uploadDir: string;
  now: string | null;
  /** Live streams one session, and one process, may hold open (http/stream-limits.ts). */
  liveStreamsPerSession: number;
  liveStreamsPerProcess: number;
  /** An OSRM-compatible table service for drive times; null: estimated from coordinates. */
  routingUrl: string | null;
  /** How offers are ranked: the seed's formula or by the driving a job adds to the pro's day. */
  dispatchPolicy: OfferRanking;
  /** Texts through Twilio; null: the dev outbox (development) or no texts (production). */
  twilio: TwilioSettings | null;
  /** SMS_MODE=off: texts are turned off by choice (recorded as suppressed, never sent), Twilio or not. */
  smsOff: boolean;
}

export interface ConfigProblem {
  variable: string;
  problem: string;
  purpose: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    readonly app: AppName,
    readonly problems: ConfigProblem[],
    production = true,
  ) {
    super(
      [
        `The ${app} app refuses to start${production ? ' in production' : ''}: ${problems.length} setting${problems.length === 1 ? ' is' : 's are'} missing or unsafe.`,
        ...problems.map((p) => `  ${p.variable}: ${p.problem}. ${p.purpose}`),
        'See "Run it for real" in README.md.',
      ].join('\n'),
    );
  }
}

const PURPOSE = {
  DATABASE_URL: 'The PostgreSQL server to use (postgres://user:password@host:5432/db).',
  STRIPE_WEBHOOK_SECRET: "Verifies Stripe's webhooks (whsec_..., from the Stripe dashboard); without it anyone could forge a paid order.",
  STRIPE_SECRET_KEY:
    'Real Stripe Checkout (sk_live_... or sk_test_...). To run without real payments, set PAYMENTS_MODE=test instead (every page then says so).',
  PAYMENTS_MODE: '"stripe" (needs STRIPE_SECRET_KEY) or "test" (the built-in test checkout; no real payments).',
  URL_SIGNING_SECRET: 'Signs expiring photo links; at least 32 random characters (e.g. `openssl rand -hex 32`).',
  ORIGIN: "This app's public address, https:// (http:// only on 127.0.0.1 or localhost).",
  CUSTOMER_ORIGIN:
    "The storefront's public address for links in email and Stripe's return URLs, https:// (http:// only on 127.0.0.1 or localhost).",
  PORTAL_ORIGIN: "The portal's public address, https:// (http:// only on 127.0.0.1 or localhost).",
  DATABASE_POOL_MAX: 'Database connections per app process, a whole number from 1 to 100.',
  H2S_NOW: 'Starts the server clock at an ISO instant (tests and demos).',
  ...OPERATIONAL_PURPOSE,
  ROUTING_URL: 'An OSRM-compatible service for drive-time tables (http:// or https://); unset: estimated from coordinates.',
  DISPATCH_POLICY: `How offers are ranked: ${OFFER_RANKINGS.join(' or ')} (default seed).`,
  ...TWILIO_PURPOSE,
} as const;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** https://, or http:// on this machine only (trying a production build on one machine). */
export function isSafeOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) return false;
    return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
  } catch {
    return false;
  }
}

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalText = z.preprocess(blankToUndefined, z.string().trim().optional());

const envSchema = z.object({
  ...operationalShape,
  NODE_ENV: optionalText,
  DATABASE_URL: optionalText,
  DATABASE_POOL_MAX: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(100).default(10)),
  PAYMENTS_MODE: z.preprocess(blankToUndefined, z.enum(['stripe', 'test']).optional()),
  STRIPE_SECRET_KEY: optionalText,
  STRIPE_WEBHOOK_SECRET: optionalText,
  URL_SIGNING_SECRET: optionalText,
  ORIGIN: optionalText,
  CUSTOMER_ORIGIN: optionalText,
  PORTAL_ORIGIN: optionalText,
  UPLOADTHING_TOKEN: optionalText,
  UPLOAD_DIR: optionalText,
  ROUTING_URL: z.preprocess(
    blankToUndefined,
    z
      .string()
      .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), 'not an http:// or https:// URL')
      .optional(),
  ),
  DISPATCH_POLICY: z.preprocess(blankToUndefined, z.enum(OFFER_RANKINGS).optional()),
  TWILIO_ACCOUNT_SID: optionalText,
  TWILIO_AUTH_TOKEN: optionalText,
  TWILIO_FROM: optionalText,
  H2S_NOW: z.preprocess(
    blankToUndefined,
    z
      .string()
      .refine((v) => !Number.isNaN(new Date(v).getTime()), 'not an ISO instant')
      .optional(),
  ),
});

/** Reads the settings for one app; throws ConfigError listing every problem (production) or the first bad value. */
export function loadConfig(app: AppName, env: NodeJS.ProcessEnv = process.env): AppConfig {
  const production = env.NODE_ENV === 'production';
  const problems: ConfigProblem[] = [];
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const variable = String(issue.path[0]) as keyof typeof PURPOSE;
      const given = env[variable];
      problems.push({
        variable,
        problem: `invalid${given === undefined ? '' : ` value "${given.slice(0, 80)}"`} (${issue.message})`,
        purpose: PURPOSE[variable] ?? '',
      });
    }
    throw new ConfigError(app, problems, production);
  }
  const e = parsed.data;
  const need = (variable: keyof typeof PURPOSE, problem = 'missing') => problems.push({ variable, problem, purpose: PURPOSE[variable] });

  const ownOriginVar = e.ORIGIN ? 'ORIGIN' : app === 'customer' ? 'CUSTOMER_ORIGIN' : 'PORTAL_ORIGIN';
  const ownOrigin = (e.ORIGIN ?? (app === 'customer' ? e.CUSTOMER_ORIGIN : e.PORTAL_ORIGIN))?.replace(/\/$/, '') ?? null;
  const customerOrigin = (e.CUSTOMER_ORIGIN ?? (app === 'customer' ? e.ORIGIN : undefined))?.replace(/\/$/, '') ?? null;

  const paymentsMode: PaymentsMode = e.PAYMENTS_MODE ?? (e.STRIPE_SECRET_KEY ? 'stripe' : 'test');
  if (e.STRIPE_SECRET_KEY && !/^(sk|rk)_(live|test)_\w+$/.test(e.STRIPE_SECRET_KEY)) need('STRIPE_SECRET_KEY', 'not a Stripe secret key');
  if (paymentsMode === 'stripe' && !e.STRIPE_SECRET_KEY) need('STRIPE_SECRET_KEY', 'missing (PAYMENTS_MODE is stripe)');
  const twilio = twilioSettings(e, need);

  if (production) {
    if (!e.DATABASE_URL) need('DATABASE_URL');
    // Test payments in production only by explicit choice: anyone can "pay" with the test checkout.
    if (!e.STRIPE_SECRET_KEY && !e.PAYMENTS_MODE) need('STRIPE_SECRET_KEY', 'missing (and PAYMENTS_MODE is not test)');
    if (!e.STRIPE_WEBHOOK_SECRET) need('STRIPE_WEBHOOK_SECRET');
    else if (e.STRIPE_WEBHOOK_SECRET === DEV_WEBHOOK_SECRET)
      need('STRIPE_WEBHOOK_SECRET', 'is the development secret committed in .env.example');
    else if (!e.STRIPE_WEBHOOK_SECRET.startsWith('whsec_')) need('STRIPE_WEBHOOK_SECRET', 'not a Stripe webhook secret (whsec_...)');
    if (!e.URL_SIGNING_SECRET) need('URL_SIGNING_SECRET');
    else if (e.URL_SIGNING_SECRET === DEV_URL_SIGNING_SECRET)
      need('URL_SIGNING_SECRET', 'is the development value committed in the repository');
    else if (e.URL_SIGNING_SECRET.length < 32) need('URL_SIGNING_SECRET', 'shorter than 32 characters');
    if (!ownOrigin) need(ownOriginVar);
    if (!customerOrigin && ownOriginVar !== 'CUSTOMER_ORIGIN') need('CUSTOMER_ORIGIN');
    for (const variable of ['ORIGIN', 'CUSTOMER_ORIGIN', 'PORTAL_ORIGIN'] as const) {
      const value = e[variable];
      if (value && !isSafeOrigin(value)) need(variable, `"${value}" is not https:// (nor http:// on 127.0.0.1 or localhost)`);
    }
    if (problems.length) throw new ConfigError(app, problems);
  } else if (problems.length) {
    throw new ConfigError(app, problems, false);
  }

  return {
    app,
    production,
    databaseUrl: e.DATABASE_URL ?? null,
    databasePoolMax: e.DATABASE_POOL_MAX,
    paymentsMode,
    stripeSecretKey: e.STRIPE_SECRET_KEY ?? null,
    stripeWebhookSecret: e.STRIPE_WEBHOOK_SECRET ?? DEV_WEBHOOK_SECRET,
    urlSigningSecret: e.URL_SIGNING_SECRET ?? DEV_URL_SIGNING_SECRET,
    ownOrigin,
    customerOrigin: customerOrigin ?? 'http://localhost:5173',
    secureTransport: production && (ownOrigin ?? '').startsWith('https:'),
    uploadThingToken: e.UPLOADTHING_TOKEN ?? null,
    uploadDir: e.UPLOAD_DIR ?? '.data/uploads',
    now: e.H2S_NOW ?? null,
    liveStreamsPerSession: e.LIVE_STREAMS_PER_SESSION ?? DEFAULT_STREAMS_PER_SESSION,
    liveStreamsPerProcess: e.LIVE_STREAMS_PER_PROCESS ?? DEFAULT_STREAMS_PER_PROCESS,
    routingUrl: e.ROUTING_URL ?? null,
    dispatchPolicy: e.DISPATCH_POLICY ?? 'seed',
    twilio,
    smsOff: e.SMS_MODE === 'off',
  };
}
