/**
 * `pnpm sim --quick` in the test suite: a small day through the real system must keep the
 * invariants (no double booking, a clean audit, every job accounted for). Quality figures are
 * reported by `pnpm sim`, never asserted here.
 */
import { describe, expect, it } from 'vitest';
import { metroDay } from './metro';
import { invariantProblems, runScenario } from './run';
import { parseScenario } from './scenario';

describe('pnpm sim --quick', () => {
  it('plays a small metro day with no double booking, a clean audit and every job accounted for', async () => {
    const scenario = parseScenario(metroDay({ seed: 3, quick: true }));
    const outcomes = await runScenario(scenario, { policies: ['seed'], seed: 3, checkOutputs: true });
    const seed = outcomes[0]!.metrics!;
    expect(invariantProblems(outcomes)).toEqual([]);
    expect(seed.doubleBookings).toBe(0);
    expect(seed.integrityBreaches).toBe(0);
    expect(seed.accountedFor).toBe(true);
    expect(seed.claimed + seed.claimedLate + seed.unclaimed + seed.cancelled + seed.refused).toBe(scenario.jobs.length);
  });

  it('reports a policy this build lacks as unavailable, with no figures', async () => {
    const scenario = parseScenario(metroDay({ seed: 3, quick: true }));
    const outcomes = await runScenario(scenario, { policies: ['planned'], seed: 3 });
    if (outcomes[0]!.unavailable) expect(outcomes[0]!.metrics).toBeNull();
    else expect(invariantProblems(outcomes)).toEqual([]);
  });
});
