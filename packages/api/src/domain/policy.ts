import { z } from 'zod';

/** The dispatch policy's settings (README "Configuration"); read from the environment when used. */
export interface DispatchPolicy {
  /** An open job unclaimed this long is also offered up to WIDENED_RADIUS_FACTOR x pros' radius. */
  widenAfterMinutes: number;
  /** Unclaimed this long after widening, it is flagged "needs dispatch". */
  escalateAfterMinutes: number;
  /** Customers reschedule or cancel themselves until this long before the window starts. */
  rescheduleCutoffHours: number;
}

/** How offers are ranked (DISPATCH_POLICY): the seed's formula, or by the driving a job adds to the pro's day. */
export const OFFER_RANKINGS = ['seed', 'route-aware'] as const;
export type OfferRanking = (typeof OFFER_RANKINGS)[number];

/** DISPATCH_POLICY, `seed` when unset; any other value stops the process with the variable named. */
export function offerRanking(env: NodeJS.ProcessEnv = process.env): OfferRanking {
  const value = env.DISPATCH_POLICY?.trim() || 'seed';
  if (!(OFFER_RANKINGS as readonly string[]).includes(value)) {
    throw new Error(`Invalid dispatch setting: DISPATCH_POLICY: "${value}" is not one of ${OFFER_RANKINGS.join(', ')}`);
  }
  return value as OfferRanking;
}

/**
 * Route-aware offers: a job not yet widened (OFFER_WIDEN_AFTER_MINUTES) is offered only to pros whose
 * day it adds at most this much driving to; once widened, to every pro whose day it fits. Ranking alone
 * let the first pro to look take a job that suited another pro far better (pnpm sim, README
 * "Dispatch quality"): the nearest pros get the first chance, as ride-hail dispatch offers nearest first.
 */
export const ROUTE_AWARE_FRESH_MAX_ADDED_MINUTES = 30;

/** How far a widened offer reaches, as a multiple of the pro's own service radius. */
export const WIDENED_RADIUS_FACTOR = 1.5;
/** Customer reschedules allowed per order. */
export const MAX_CUSTOMER_RESCHEDULES = 3;

const minutes = (fallback: number) =>
  z.coerce
    .number()
    .int()
    .min(0)
    .max(60 * 24 * 30)
    .default(fallback);

/** The dispatch settings' schema; config.ts validates them with it at start (issue 20, item 7). */
export const policyEnvShape = {
  OFFER_WIDEN_AFTER_MINUTES: minutes(30),
  OFFER_ESCALATE_AFTER_MINUTES: minutes(60),
  RESCHEDULE_CUTOFF_HOURS: z.coerce
    .number()
    .min(0)
    .max(24 * 30)
    .default(24),
};
const policyEnv = z.object(policyEnvShape);

export function dispatchPolicy(env: NodeJS.ProcessEnv = process.env): DispatchPolicy {
  const blankToUndefined = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v);
  const parsed = policyEnv.safeParse({
    OFFER_WIDEN_AFTER_MINUTES: blankToUndefined(env.OFFER_WIDEN_AFTER_MINUTES),
    OFFER_ESCALATE_AFTER_MINUTES: blankToUndefined(env.OFFER_ESCALATE_AFTER_MINUTES),
    RESCHEDULE_CUTOFF_HOURS: blankToUndefined(env.RESCHEDULE_CUTOFF_HOURS),
  });
  if (!parsed.success) {
    throw new Error(`Invalid dispatch setting: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return {
    widenAfterMinutes: parsed.data.OFFER_WIDEN_AFTER_MINUTES,
    escalateAfterMinutes: parsed.data.OFFER_ESCALATE_AFTER_MINUTES,
    rescheduleCutoffHours: parsed.data.RESCHEDULE_CUTOFF_HOURS,
  };
}
