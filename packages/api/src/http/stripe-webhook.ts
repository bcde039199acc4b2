/**
 * The Stripe webhook over HTTP: size limits, the raw body and the signature header in; the status and
 * JSON body Stripe reads out. What the event does to orders and jobs is `applyStripeEvent`'s.
 */
import { applyStripeEvent, type StripeEventOutcome } from '../domain/checkout';
import type { Clock } from '../domain/clock';
import type { Payments } from '../domain/payments';
import type { Database } from '@h2s/db';

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

const tooLarge = () => Response.json({ received: false, error: 'Payload too large' }, { status: 413 });

export async function handleStripeWebhookRequest(
  deps: { db: Database; payments: Payments; clock: Clock },
  request: Request,
): Promise<Response> {
  if (Number(request.headers.get('content-length') ?? 0) > WEBHOOK_BODY_LIMIT) return tooLarge();
  const raw = await request.text();
  if (raw.length > WEBHOOK_BODY_LIMIT) return tooLarge();
  try {
    const reply = stripeWebhookReply(await applyStripeEvent(deps, raw, request.headers.get('stripe-signature'), deps.clock.now()));
    return Response.json(reply.body, { status: reply.status });
  } catch (error) {
    // Nothing was committed; Stripe retries a 5xx, and the retry applies the event once.
    console.error('[stripe] webhook failed:', error);
    return Response.json({ received: false, error: 'Temporary failure, retry' }, { status: 503 });
  }
}
