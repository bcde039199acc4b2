import type { RequestHandler } from './$types';
import { handleSmsInbound } from '@h2s/api/http/sms-inbound';
import { server } from '$lib/server/api';

/** Twilio delivers replies to our texts here, signed; STOP/START/HELP (see packages/api/src/http/sms-inbound.ts). */
export const POST: RequestHandler = ({ request, url }) =>
  handleSmsInbound({ db: server.deps.db, clock: server.deps.clock, twilio: server.config.twilio }, request, url.href);
