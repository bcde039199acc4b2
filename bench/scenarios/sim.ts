/** `pnpm sim` at the size: one policy (seed) over the built-in 500-job day, through the real system in-process. */
import { metroDay, parseScenario, POLICIES, simulate } from '@h2s/sim';
import { failures, fmt, log, quick, rows } from '../lib/context';

export const SIM_TARGET_SECONDS = 120;

export async function simulatedDay() {
  const scenario = parseScenario(metroDay({ seed: 1, quick }));
  const metrics = await simulate(scenario, POLICIES.seed, 1);
  const ok = metrics.doubleBookings === 0 && metrics.integrityBreaches === 0 && metrics.accountedFor;
  rows.push({
    name: `pnpm sim: ${scenario.jobs.length}-job, ${scenario.pros.length}-pro day, seed policy (in-process)`,
    http: `${metrics.seconds} s, ${fmt(metrics.calls)} calls`,
    baseline: '–',
    target: quick ? '(quick day: invariants only)' : `< ${SIM_TARGET_SECONDS} s`,
    result: !ok ? 'miss' : quick ? 'info' : metrics.seconds < SIM_TARGET_SECONDS ? 'pass' : 'miss',
    detail: ok
      ? undefined
      : `double bookings ${metrics.doubleBookings}, breaches ${metrics.integrityBreaches}, accounted ${metrics.accountedFor}`,
  });
  if (!ok) failures.push('the simulated day broke an invariant');
  log(`simulated day: ${scenario.jobs.length} jobs in ${metrics.seconds} s (${metrics.calls} calls)`);
  return { jobs: scenario.jobs.length, pros: scenario.pros.length, seconds: metrics.seconds, calls: metrics.calls };
}
