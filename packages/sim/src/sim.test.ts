/**
 * `pnpm sim --quick` in the test suite: a small day through the real system must keep the
 * invariants (no double booking, a clean audit, every job accounted for) under the `seed` policy
 * and, where this build has it, `planned` (Plan day applied through admin.assign, which takes every
 * stop the plan proposes). Quality figures
 * are reported by `pnpm sim`, never asserted here.
 */
import { describe, expect, it } from 'vitest';
import { metroDay } from './metro';
import { POLICIES } from './policies';
import { jsonResult } from './report';
import { invariantProblems, runScenario } from './run';
import { parseScenario } from './scenario';

describe('pnpm sim --quick', () => {
  it('plays a small metro day with no double booking, a clean audit and every job accounted for', async () => {
    const scenario = parseScenario(metroDay({ seed: 3, quick: true }));
    const outcomes = await runScenario(scenario, { policies: ['seed', 'planned'], seed: 3, checkOutputs: true });
    expect(invariantProblems(outcomes)).toEqual([]);
    for (const { metrics, unavailable } of outcomes) {
      if (!metrics) {
        expect(unavailable).toMatch(/not available in this build/);
        continue;
      }
      expect([metrics.doubleBookings, metrics.integrityBreaches, metrics.accountedFor]).toEqual([0, 0, true]);
      expect(metrics.claimed + metrics.claimedLate + metrics.unclaimed + metrics.cancelled + metrics.refused).toBe(scenario.jobs.length);
      // The planner and admin.assign decide by the same rules: no proposed stop is refused.
      expect(metrics.plan?.refusals ?? {}).toEqual({});
    }
    expect(outcomes[0]!.metrics).not.toBeNull();
  });

  it('reports a policy this build lacks with its reason and no figures', async () => {
    const reason = await POLICIES.planned.unavailable();
    const json = jsonResult('day', [{ policy: 'planned', metrics: null, unavailable: reason ?? 'not available in this build (test)' }]);
    expect(json.policies).toEqual({ planned: { available: false, reason: expect.stringMatching(/not available in this build/) } });
  });
});
