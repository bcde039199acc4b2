/**
 * POST /api/sms/inbound on the customer app: Twilio delivers replies to our texts here, form-encoded
 * and signed (X-Twilio-Signature over the public URL and the parameters). Only a request that
 * `twilio.validateRequest` accepts is applied; the answer is TwiML (a HELP reply, or nothing).
 * Built apps answer it on node:http in front of SvelteKit (whose CSRF check refuses form posts that
 * carry no Origin, as Twilio's do); `pnpm dev` through the SvelteKit route.
 */
import twilio from 'twilio';
import type { Database } from '@h2s/db';
import type { Clock } from '../domain/clock';
import { applyInboundText } from '../domain/sms/inbound';
import type { TwilioSettings } from '../domain/sms/sender';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from './body';

/** An inbound SMS webhook is a few hundred bytes; a long one with media links is a few KB. */
export const SMS_WEBHOOK_BODY_LIMIT = 64 * 1024;
export const SMS_INBOUND_PATH = '/api/sms/inbound';

export interface SmsInboundDeps {
  db: Database;
  clock: Clock;
  /** Null: texts are not configured, so nothing can be verified and every delivery is refused. */
  twilio: TwilioSettings | null;
}

interface Reply {
  status: number;
  contentType: string;
  body: string;
}

const plain = (status: number, body: string): Reply => ({ status, contentType: 'text/plain; charset=utf-8', body });

/** One delivery: the raw form body (null: over the limit), the signature and the URL Twilio called. */
export async function answerSmsInbound(deps: SmsInboundDeps, raw: string | null, signature: string, publicUrl: string): Promise<Reply> {
  if (!deps.twilio) return plain(404, 'Texts are not configured');
  if (raw === null || raw.length > SMS_WEBHOOK_BODY_LIMIT) return plain(413, 'Payload too large');
  const params: Record<string, string> = Object.fromEntries(new URLSearchParams(raw));
  if (!signature || !twilio.validateRequest(deps.twilio.authToken, signature, publicUrl, params)) return plain(403, 'Bad signature');
  const { MessageSid: messageSid, From: from, Body: body = '' } = params;
  if (!messageSid || !from) return plain(400, 'MessageSid and From are required');
  try {
    const { reply } = await applyInboundText(deps.db, { messageSid, from, body }, deps.clock.now());
    const response = new twilio.twiml.MessagingResponse();
    if (reply) response.message(reply);
    return { status: 200, contentType: 'text/xml; charset=utf-8', body: response.toString() };
  } catch (error) {
    // Nothing was committed; Twilio retries, and the retry applies the message once.
    console.error('[sms] inbound failed:', error);
    return plain(503, 'Temporary failure, retry');
  }
}

/** The SvelteKit route's (pnpm dev); `publicUrl` is what Twilio signed: the app's public URL of this request. */
export async function handleSmsInbound(deps: SmsInboundDeps, request: Request, publicUrl: string): Promise<Response> {
  const tooLarge = Number(request.headers.get('content-length') ?? 0) > SMS_WEBHOOK_BODY_LIMIT;
  const reply = await answerSmsInbound(
    deps,
    tooLarge ? null : await request.text(),
    request.headers.get('x-twilio-signature') ?? '',
    publicUrl,
  );
  return new Response(reply.body, { status: reply.status, headers: { 'content-type': reply.contentType } });
}

/** The built customer app's: `POST /api/sms/inbound` on node:http; `publicOrigin` is the app's ORIGIN. */
export function nodeSmsInboundHandler(
  deps: SmsInboundDeps,
  publicOrigin: string,
  headers: Record<string, string>,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    if (req.method !== 'POST' || (req.url ?? '').split('?')[0] !== SMS_INBOUND_PATH) return false;
    void (async () => {
      const declared = Number(req.headers['content-length'] ?? 0);
      const body = declared > SMS_WEBHOOK_BODY_LIMIT ? null : await readBody(req, SMS_WEBHOOK_BODY_LIMIT);
      const signature = req.headers['x-twilio-signature'];
      const reply = await answerSmsInbound(
        deps,
        body === null ? null : body.toString('utf8'),
        typeof signature === 'string' ? signature : '',
        `${publicOrigin}${req.url}`,
      );
      if (body === null) res.setHeader('connection', 'close');
      res.writeHead(reply.status, { ...headers, 'content-type': reply.contentType, 'content-length': Buffer.byteLength(reply.body) });
      res.end(reply.body);
    })().catch(() => res.destroy());
    return true;
  };
}
