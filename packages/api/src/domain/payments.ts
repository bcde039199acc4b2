import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';

export interface CheckoutRequest {
  orderId: string;
  amountCents: number;
  customerEmail: string;
  lineItems: { name: string; unitAmountCents: number; quantity: number }[];
  successUrl: string;
  cancelUrl: string;
}

export interface Payments {
  mode: 'stripe' | 'test';
  /** Verifies every webhook, in both modes. */
  webhookSecret: string;
  createCheckoutSession(request: CheckoutRequest): Promise<{ sessionId: string; url: string }>;
  /** Where a customer completes a checkout they left unpaid; null when it can no longer be paid. */
  resumeUrl(sessionId: string): Promise<string | null>;
  /** The Stripe SDK, for signature checks (which need no network). */
  stripe: Stripe;
}

/** The dev secret from .env.example; production sets STRIPE_WEBHOOK_SECRET. */
export const DEV_WEBHOOK_SECRET = 'whsec_h2s_dev_only_not_a_real_secret_000000';

/** Stripe's own tolerance; older signed events are refused as replays. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

export function stripePayments(secretKey: string, webhookSecret: string): Payments {
  const stripe = new Stripe(secretKey);
  return {
    mode: 'stripe',
    webhookSecret,
    stripe,
    async createCheckoutSession(request) {
      const session = await stripe.checkout.sessions.create({
        mode: 'payment',
        customer_email: request.customerEmail,
        line_items: request.lineItems.map((item) => ({
          quantity: item.quantity,
          price_data: { currency: 'usd', unit_amount: item.unitAmountCents, product_data: { name: item.name } },
        })),
        metadata: { order_id: request.orderId },
        payment_intent_data: { metadata: { order_id: request.orderId } },
        success_url: request.successUrl,
        cancel_url: request.cancelUrl,
      });
      if (!session.url) throw new Error('Stripe returned a Checkout Session without a URL');
      return { sessionId: session.id, url: session.url };
    },
    async resumeUrl(sessionId) {
      try {
        const session = await stripe.checkout.sessions.retrieve(sessionId);
        return session.status === 'open' ? session.url : null;
      } catch {
        return null;
      }
    },
  };
}

/**
 * The built-in test checkout: no Stripe account, same webhook. Its page completes payment by
 * POSTing a signed checkout.session.completed event (see signTestEvent).
 */
export function testPayments(webhookSecret: string, origin?: string): Payments {
  return {
    mode: 'test',
    webhookSecret,
    // The SDK is used offline here (signatures only); the key is never sent anywhere.
    stripe: new Stripe('sk_test_offline_signature_checks_only'),
    async createCheckoutSession(request) {
      const sessionId = `cs_test_h2s_${randomBytes(24).toString('hex')}`;
      const base = origin ?? new URL(request.successUrl).origin;
      return { sessionId, url: `${base}/checkout/test/${sessionId}` };
    },
    async resumeUrl(sessionId) {
      return `${origin ?? ''}/checkout/test/${sessionId}`;
    },
  };
}

export interface TestCheckoutEvent {
  type: 'checkout.session.completed' | 'checkout.session.expired' | 'checkout.session.async_payment_succeeded';
  sessionId: string;
  orderId: string;
  amountTotalCents: number;
  paymentStatus: 'paid' | 'unpaid';
  eventId?: string;
  createdAt?: Date;
}

/** A Stripe-shaped event and its `Stripe-Signature` header, signed with the webhook secret. */
export function signTestEvent(payments: Payments, event: TestCheckoutEvent): { payload: string; signature: string; eventId: string } {
  const eventId = event.eventId ?? `evt_h2s_${randomBytes(16).toString('hex')}`;
  const created = Math.floor((event.createdAt ?? new Date()).getTime() / 1000);
  const payload = JSON.stringify({
    id: eventId,
    object: 'event',
    type: event.type,
    created,
    livemode: false,
    data: {
      object: {
        id: event.sessionId,
        object: 'checkout.session',
        payment_status: event.paymentStatus,
        amount_total: event.amountTotalCents,
        currency: 'usd',
        metadata: { order_id: event.orderId },
      },
    },
  });
  const signature = payments.stripe.webhooks.generateTestHeaderString({
    payload,
    secret: payments.webhookSecret,
    timestamp: created,
  });
  return { payload, signature, eventId };
}
