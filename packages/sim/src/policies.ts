/**
 * The dispatch policies the simulator compares. A policy is the environment the system runs with
 * (DISPATCH_POLICY ranks offers) plus, for `planned`, the dispatcher's own step. A policy this
 * build does not have says so and is never run: no figures are made up for it.
 */
import type { SimState } from './state';

export const POLICY_NAMES = ['seed', 'route-aware', 'planned'] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

export interface Policy {
  name: PolicyName;
  /** Why this build cannot run it; null when it can. */
  unavailable: string | null;
  /** Environment variables the system reads while this policy runs. */
  env: Record<string, string>;
  /** Extra steps on the agenda (the dispatcher's plan at the cutoff). */
  schedule?(state: SimState): void;
  describe: string;
}

const NOT_IN_BUILD = 'not available in this build';

export const POLICIES: Record<PolicyName, Policy> = {
  seed: {
    name: 'seed',
    unavailable: null,
    env: { DISPATCH_POLICY: 'seed' },
    describe: "offers ranked by the seed's formula (packages/scoring); pros claim them",
  },
  'route-aware': {
    name: 'route-aware',
    unavailable: `${NOT_IN_BUILD} (DISPATCH_POLICY=route-aware, issue 23)`,
    env: { DISPATCH_POLICY: 'route-aware' },
    describe: "offers ranked by what a job adds to the pro's day",
  },
  planned: {
    name: 'planned',
    unavailable: `${NOT_IN_BUILD} (admin.planDay, issue 23)`,
    env: { DISPATCH_POLICY: 'route-aware' },
    describe: 'Plan day at the cutoff, applied through admin.assign; offers cover the rest',
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
