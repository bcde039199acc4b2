import type { Database } from '@h2s/db';
import type { Clock } from './clock';
import type { LiveBus, SessionStreams } from './live';
import type { Payments } from './payments';
import type { FileStore } from './storage';

/** Long-lived services, made once per process (or once per test). */
export interface ApiDeps {
  db: Database;
  clock: Clock;
  storage: FileStore;
  payments: Payments;
  live: LiveBus;
  /** Open live streams by session, so signing out ends them. */
  streams: SessionStreams;
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
