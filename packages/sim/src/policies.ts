/**
 * The dispatch policies the simulator compares. A policy is the environment the system runs with
 * (DISPATCH_POLICY ranks offers) plus, for `planned`, the dispatcher's own step (planned.ts). What
 * this build of the system lacks is found out from the system itself, and such a policy is reported
 * "not available in this build": it is never run and no figures are made up for it.
 */
import * as dispatchSettings from '@h2s/api/domain/policy';
import { appRouter, createCallerFactory, type Context } from '@h2s/api';
import { schedulePlan } from './planned';
import type { SimState } from './state';

export const POLICY_NAMES = ['seed', 'route-aware', 'planned'] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

export interface Policy {
  name: PolicyName;
  /** Why this build cannot run it; null when it can. */
  unavailable(): Promise<string | null>;
  /** Environment variables the system reads while this policy runs. */
  env: Record<string, string>;
  /** Extra steps on the agenda (the dispatcher's plan at the cutoff). */
  schedule?(state: SimState): void;
  describe: string;
}

const NOT_IN_BUILD = 'not available in this build';

/** The system ranks offers route-aware when its DISPATCH_POLICY setting knows the value. */
function hasRouteAwareRanking(): boolean {
  const rankings = (dispatchSettings as Record<string, unknown>).OFFER_RANKINGS;
  return Array.isArray(rankings) && rankings.includes('route-aware');
}

/** admin.planDay exists when calling it unauthenticated is refused for the caller, not for the path. */
async function hasPlanDay(): Promise<boolean> {
  const caller = createCallerFactory(appRouter)({ viewer: null } as unknown as Context);
  const admin = caller.admin as unknown as Record<string, (input: unknown) => Promise<unknown>>;
  try {
    await admin.planDay!({ date: '2026-01-15', timezone: 'America/Chicago' });
    return true;
  } catch (error) {
    return (error as { code?: string }).code !== 'NOT_FOUND';
  }
}

export const POLICIES: Record<PolicyName, Policy> = {
  seed: {
    name: 'seed',
    unavailable: async () => null,
    env: { DISPATCH_POLICY: 'seed' },
    describe: "offers ranked by the seed's formula (packages/scoring); pros claim them",
  },
  'route-aware': {
    name: 'route-aware',
    unavailable: async () => (hasRouteAwareRanking() ? null : `${NOT_IN_BUILD} (DISPATCH_POLICY=route-aware, issue 23)`),
    env: { DISPATCH_POLICY: 'route-aware' },
    describe: "offers ranked by what a job adds to the pro's day",
  },
  planned: {
    name: 'planned',
    unavailable: async () =>
      !hasRouteAwareRanking()
        ? `${NOT_IN_BUILD} (DISPATCH_POLICY=route-aware, issue 23)`
        : (await hasPlanDay())
          ? null
          : `${NOT_IN_BUILD} (admin.planDay, issue 23)`,
    env: { DISPATCH_POLICY: 'route-aware' },
    schedule: schedulePlan,
    describe: 'Plan day at 6 pm the day before, applied through admin.assign; route-aware offers cover the rest',
  },
};

export function parsePolicies(value: string | undefined): PolicyName[] {
  if (!value) return [...POLICY_NAMES];
  const names = value
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  const bad = names.filter((n) => !(POLICY_NAMES as readonly string[]).includes(n));
  if (bad.length || !names.length)
    throw new Error(`--policy: unknown ${bad.join(', ') || '(none)'}; choose from ${POLICY_NAMES.join(', ')}`);
  return [...new Set(names)] as PolicyName[];
}
