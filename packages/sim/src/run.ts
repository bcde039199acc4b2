/** Runs the chosen policies over a scenario, one fresh database each, on one PostgreSQL server. */
import { POLICIES, type PolicyName } from './policies';
import type { PolicyOutcome } from './report';
import type { Scenario } from './scenario';
import { simulate } from './simulate';
import { startServer } from './world';

export interface RunOptions {
  policies: PolicyName[];
  seed: number;
  /** See SimulateOptions.checkOutputs. */
  checkOutputs?: boolean;
  onProgress?(policy: PolicyName, fraction: number): void;
}

export async function runScenario(scenario: Scenario, options: RunOptions): Promise<PolicyOutcome[]> {
  const server = await startServer();
  try {
    const outcomes: PolicyOutcome[] = [];
    for (const name of options.policies) {
      const policy = POLICIES[name];
      const unavailable = await policy.unavailable();
      if (unavailable) {
        outcomes.push({ policy: name, metrics: null, unavailable });
        continue;
      }
      const metrics = await simulate(scenario, policy, options.seed, {
        checkOutputs: options.checkOutputs,
        onProgress: (f) => options.onProgress?.(name, f),
      });
      outcomes.push({ policy: name, metrics });
    }
    return outcomes;
  } finally {
    server.stop();
  }
}

/** The invariants every run must keep, whatever the policy: what `--quick` in the test suite asserts. */
export function invariantProblems(outcomes: PolicyOutcome[]): string[] {
  return outcomes.flatMap(({ policy, metrics: m }) => {
    if (!m) return [];
    const problems: string[] = [];
    if (m.doubleBookings !== 0) problems.push(`${policy}: ${m.doubleBookings} double bookings: ${m.doubleBookingDetails?.join('; ')}`);
    if (m.integrityBreaches !== 0) problems.push(`${policy}: ${m.integrityBreaches} integrity breaches`);
    if (!m.accountedFor) problems.push(`${policy}: ${m.accountingProblems.join('; ')}`);
    return problems;
  });
}
