/**
 * Checks on a verified Stripe event beyond its signature (issue 20, item 6): the currency every order
 * is priced in, and no event dated in the future beyond the signature tolerance (Stripe's SDK refuses
 * old signatures only). Wall-clock time, as the SDK's own check uses: a server on a fixed test clock
 * (H2S_NOW) still takes events Stripe signs now.
 */
import { WEBHOOK_TOLERANCE_SECONDS } from './payments';

/** Every order is priced in US dollars (payments.ts creates every Checkout Session in usd). */
export const ORDER_CURRENCY = 'usd';

/** Why a verified event is refused, or null to apply it. */
export function eventRefusal(
  event: { created?: number | undefined; data: { object: { currency?: string | null | undefined } } },
  signature: string,
  pays: boolean,
  wallClockMs = Date.now(),
): string | null {
  const latest = Math.floor(wallClockMs / 1000) + WEBHOOK_TOLERANCE_SECONDS;
  const signedAt = Number(/(?:^|,)\s*t=(\d+)/.exec(signature)?.[1] ?? NaN);
  if (signedAt > latest) return 'Signature timestamp is in the future';
  if (event.created !== undefined && event.created > latest) return 'Event is dated in the future';
  const currency = event.data.object.currency?.toLowerCase() ?? null;
  if (pays && currency !== ORDER_CURRENCY) return `Currency ${currency ?? '(none)'} is not the order's (${ORDER_CURRENCY})`;
  return null;
}
