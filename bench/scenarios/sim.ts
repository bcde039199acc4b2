/** `pnpm sim` at the size: the built-in 500-job day under each policy, through the real system in-process. */
import { loadavg } from 'node:os';
import { metroDay, parseScenario, POLICIES, POLICY_NAMES, simulate } from '@h2s/sim';
import { failures, fmt, log, quick, rows } from '../lib/context';

export const SIM_TARGET_SECONDS = 120;

export async function simulatedDay() {
  const scenario = parseScenario(metroDay({ seed: 1, quick }));
  const runs = [];
  for (const name of POLICY_NAMES) {
    const policy = POLICIES[name];
    const unavailable = await policy.unavailable();
    if (unavailable) {
      log(`simulated day, ${name}: ${unavailable}`);
      continue;
    }
    const load = loadavg()[0] ?? 0;
    const metrics = await simulate(scenario, policy, 1);
    const ok = metrics.doubleBookings === 0 && metrics.integrityBreaches === 0 && metrics.accountedFor;
    rows.push({
      name: `pnpm sim: ${scenario.jobs.length}-job, ${scenario.pros.length}-pro day, ${name} policy (in-process)`,
      http: `${metrics.seconds} s, ${fmt(metrics.calls)} calls (1-min load ${load.toFixed(1)} → ${(loadavg()[0] ?? 0).toFixed(1)})`,
      baseline: '–',
      target: quick ? '(quick day: invariants only)' : `< ${SIM_TARGET_SECONDS} s`,
      result: !ok ? 'miss' : quick ? 'info' : metrics.seconds < SIM_TARGET_SECONDS ? 'pass' : 'miss',
      detail: ok
        ? `${metrics.driveMinutesPerJob} drive min per job, ${metrics.onTimePct}% on time, ${metrics.claimed} claimed`
        : `double bookings ${metrics.doubleBookings}, breaches ${metrics.integrityBreaches}, accounted ${metrics.accountedFor}`,
    });
    if (!ok) failures.push(`the simulated day broke an invariant (${name})`);
    log(`simulated day, ${name}: ${scenario.jobs.length} jobs in ${metrics.seconds} s (${metrics.calls} calls)`);
    runs.push({ policy: name, seconds: metrics.seconds, calls: metrics.calls, loadAtStart: load });
  }
  return { jobs: scenario.jobs.length, pros: scenario.pros.length, runs };
}
