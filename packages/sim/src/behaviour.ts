/**
 * The pro model's parameters: every default, and where it comes from. A scenario's "behaviour"
 * object overrides any of them (validated in scenario.ts). Measured figures say so; the rest are
 * stated assumptions, there to be overridden when a metro's own data says otherwise.
 */
import { z } from 'zod';

export const BEHAVIOUR_DEFAULTS = {
  lookIntervalMinutes: 30,
  takeHalfLifeMinutes: 30,
  offersConsideredPerLook: 5,
  roadCircuity: 1.2,
  averageSpeedMph: 28,
  trafficSigma: 0.2,
  durationSigma: 0.25,
  lateProbability: 0.1,
  lateMeanMinutes: 15,
  departEarlyMinutes: 10,
  skuMinutes: {
    'tv-mount-standard': 60,
    'tv-mount-premium': 120,
    'smart-home-starter': 90,
    'security-camera-4': 180,
    'wifi-mesh': 60,
  } as Record<string, number>,
};

export type Behaviour = typeof BEHAVIOUR_DEFAULTS;

/** Where each default comes from; printed in the README's dispatch-quality section. */
export const BEHAVIOUR_SOURCES: Record<keyof Behaviour, string> = {
  lookIntervalMinutes: 'Assumption: a pro opens the offers list about twice an hour of working hours (every 15 to 45 min, uniformly).',
  takeHalfLifeMinutes:
    'Assumption: the chance a pro takes an offer halves with every 30 min of driving to it (ride-hail drivers decline long pickups the same way).',
  offersConsideredPerLook: 'Assumption: a pro reads the top 5 offers, best first, and takes at most one per look.',
  roadCircuity:
    'Road miles per straight-line mile: about 1.2 for US roads (Ballou, Rahardja & Sakai 2002, "Selected country circuity factors").',
  averageSpeedMph:
    'Assumption: 28 mph door to door in a metro, about what US household vehicle trips average (NHTS 2017: ~10 mi in ~20 min).',
  trafficSigma: 'Assumption: each drive takes its estimate times a log-normal factor with sigma 0.2 (mean 1).',
  durationSigma: "Assumption: a visit takes the bundles' minutes times a log-normal factor with sigma 0.25 (mean 1).",
  lateProbability: 'Assumption: 1 departure in 10 is held up (a call, parts, parking).',
  lateMeanMinutes: 'Assumption: a hold-up lasts 15 min on average (exponential).',
  departEarlyMinutes: 'Assumption: a free pro leaves to arrive 10 min before the window opens.',
  skuMinutes:
    "Per SKU when the catalog gives no durationMinutes: the demo catalog's descriptions as an installer would book them (one TV 1 h, in-wall 2 h, smart-home 1.5 h, four cameras 3 h, mesh 1 h).",
};

const positive = z.number().positive();
const fraction = z.number().min(0).max(1);
export const behaviourOverrides = z
  .object({
    lookIntervalMinutes: positive.max(24 * 60),
    takeHalfLifeMinutes: positive,
    offersConsideredPerLook: z.number().int().min(1).max(100),
    roadCircuity: z.number().min(1).max(3),
    averageSpeedMph: positive.max(90),
    trafficSigma: z.number().min(0).max(2),
    durationSigma: z.number().min(0).max(2),
    lateProbability: fraction,
    lateMeanMinutes: z.number().min(0).max(600),
    departEarlyMinutes: z.number().min(0).max(180),
    skuMinutes: z.record(z.string(), positive.max(24 * 60)),
  })
  .partial()
  .strict();

export type BehaviourOverrides = z.infer<typeof behaviourOverrides>;

export function behaviourWith(overrides: BehaviourOverrides = {}): Behaviour {
  return { ...BEHAVIOUR_DEFAULTS, ...overrides, skuMinutes: { ...BEHAVIOUR_DEFAULTS.skuMinutes, ...overrides.skuMinutes } };
}

/** Straight-line miles to road minutes, before traffic. */
export function driveMinutes(miles: number, behaviour: Behaviour): number {
  return ((miles * behaviour.roadCircuity) / behaviour.averageSpeedMph) * 60;
}

/** How likely a pro is to take an offer this far away. */
export function takeProbability(driveMins: number, behaviour: Behaviour): number {
  return Math.pow(0.5, driveMins / behaviour.takeHalfLifeMinutes);
}
