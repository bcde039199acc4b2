/**
 * The Stripe webhook over HTTP: size limits, the raw body and the signature header in; the status and
 * JSON body Stripe reads out. What the event does to orders and jobs is `applyStripeEvent`'s.
 */
import { applyStripeEvent, type StripeEventOutcome } from '../domain/checkout';
import type { Clock } from '../domain/clock';
import type { Payments } from '../domain/payments';
import type { Database } from '@h2s/db';
import type { ServerResponse } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { readBody } from './body';

/** Stripe events are a few KB; anything near this is not from Stripe. */
export const WEBHOOK_BODY_LIMIT = 1024 * 1024;

export interface StripeWebhookReply {
  status: 200 | 400;
  body: { received: boolean; outcome: string; orderId?: string; jobId?: string; error?: string };
}

/** A refused event is a 400 (Stripe shows it and does not retry); anything applied or ignored is a 200. */
export function stripeWebhookReply(result: StripeEventOutcome): StripeWebhookReply {
  if (result.outcome === 'refused') return { status: 400, body: { received: false, outcome: 'refused', error: result.reason } };
  return { status: 200, body: { received: true, ...result } };
}

const TOO_LARGE = { status: 413, body: { received: false, error: 'Payload too large' } } as const;

/** The answer to one delivery: its raw body and signature header in, the status and JSON body out. */
export async function answerStripeWebhook(
  deps: { db: Database; payments: Payments; clock: Clock },
  raw: string,
  signature: string | null,
): Promise<{ status: number; body: object }> {
  if (raw.length > WEBHOOK_BODY_LIMIT) return TOO_LARGE;
  try {
    return stripeWebhookReply(await applyStripeEvent(deps, raw, signature, deps.clock.now()));
  } catch (error) {
    // Nothing was committed; Stripe retries a 5xx, and the retry applies the event once.
    console.error('[stripe] webhook failed:', error);
    return { status: 503, body: { received: false, error: 'Temporary failure, retry' } };
  }
}

export async function handleStripeWebhookRequest(
  deps: { db: Database; payments: Payments; clock: Clock },
  request: Request,
): Promise<Response> {
  if (Number(request.headers.get('content-length') ?? 0) > WEBHOOK_BODY_LIMIT) return Response.json(TOO_LARGE.body, { status: 413 });
  const reply = await answerStripeWebhook(deps, await request.text(), request.headers.get('stripe-signature'));
  return Response.json(reply.body, { status: reply.status });
}

/**
 * The same on node:http, for the built customer app's hot path (no web Request/Response, no
 * SvelteKit pipeline): `POST /api/stripe/webhook` only; anything else is left to the fallback.
 */
export function nodeStripeWebhookHandler(
  deps: { db: Database; payments: Payments; clock: Clock },
  headers: Record<string, string>,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const reply = (res: ServerResponse, status: number, body: object) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  return (req, res) => {
    if (req.url !== '/api/stripe/webhook' || req.method !== 'POST') return false;
    if (Number(req.headers['content-length'] ?? 0) > WEBHOOK_BODY_LIMIT) {
      // Refused unread; node discards the declared rest, so the sender can read this answer.
      reply(res, 413, TOO_LARGE.body);
      return true;
    }
    void (async () => {
      const body = await readBody(req, WEBHOOK_BODY_LIMIT);
      if (body === null) {
        // Counted past the limit as it came (no declared length): cut off after the answer.
        res.setHeader('connection', 'close');
        return reply(res, 413, TOO_LARGE.body);
      }
      const signature = req.headers['stripe-signature'];
      const { status, body: answer } = await answerStripeWebhook(
        deps,
        body.toString('utf8'),
        typeof signature === 'string' ? signature : null,
      );
      reply(res, status, answer);
    })().catch(() => res.destroy());
    return true;
  };
}
