/**
 * The built-in test checkout's two outcomes, delivered exactly as Stripe would: a signed event
 * POSTed to this app's own webhook. Only for payments mode 'test'.
 */
import { signTestEvent } from '@h2s/api/domain/payments';
import type { OrderView } from '$lib/order';
import { server } from './api';

export const testCheckoutEnabled = () => server.deps.payments.mode === 'test';

export async function deliverTestEvent(
  fetch: typeof globalThis.fetch,
  origin: string,
  order: OrderView,
  outcome: 'paid' | 'expired',
): Promise<{ ok: true } | { ok: false; message: string }> {
  const { payload, signature } = signTestEvent(server.deps.payments, {
    type: outcome === 'paid' ? 'checkout.session.completed' : 'checkout.session.expired',
    sessionId: order.sessionId,
    orderId: order.orderId,
    amountTotalCents: order.amountTotalCents,
    paymentStatus: outcome === 'paid' ? 'paid' : 'unpaid',
    // No createdAt: the signature's timestamp is checked against the real time, not the app's clock.
  });
  const response = await fetch(`${origin}/api/stripe/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
    body: payload,
  });
  if (response.ok) return { ok: true };
  const body = (await response.json().catch(() => null)) as { error?: string } | null;
  return { ok: false, message: body?.error ?? `The payment could not be recorded (HTTP ${response.status}).` };
}
