/** The results as a table (stdout) and as the one-line JSON object of `--json`. */
import type { PolicyMetrics } from './metrics';
import type { PolicyName } from './policies';

export interface PolicyOutcome {
  policy: PolicyName;
  metrics: PolicyMetrics | null;
  /** Why there are no figures (the policy is not in this build). */
  unavailable?: string;
}

const ROWS: [string, (m: PolicyMetrics) => string | number | null][] = [
  ['jobs', (m) => m.jobs],
  ['claimed before the window', (m) => m.claimed],
  ['claimed after the window opened', (m) => m.claimedLate],
  ['never claimed', (m) => m.unclaimed],
  ['escalated (needs dispatch)', (m) => m.escalated],
  ['cancelled / refused at checkout', (m) => `${m.cancelled} / ${m.refused}`],
  ['time to claim p50 / p90 (min)', (m) => `${m.claimMinutesP50 ?? '-'} / ${m.claimMinutesP90 ?? '-'}`],
  ['drive minutes total', (m) => m.driveMinutesTotal],
  ['drive minutes per job', (m) => m.driveMinutesPerJob],
  ['arrivals inside the window (%)', (m) => m.onTimePct],
  ['jobs per pro-day mean / max', (m) => `${m.jobsPerProDay} / ${m.jobsPerProDayMax}`],
  ['Gini of jobs per pro', (m) => m.gini],
  ['double bookings', (m) => m.doubleBookings],
  ['integrity breaches after the run', (m) => m.integrityBreaches],
  ['every job accounted for', (m) => (m.accountedFor ? 'yes' : 'NO')],
  ['Plan day: stops applied / proposed (refused)', (m) => (m.plan ? `${m.plan.applied} / ${m.plan.proposed} (${m.plan.refused})` : '-')],
  ['procedure and webhook calls', (m) => m.calls],
  ['run time (s)', (m) => m.seconds],
];

export function table(scenario: string, outcomes: PolicyOutcome[]): string {
  const header = ['', ...outcomes.map((o) => o.policy)];
  const body = ROWS.map(([label, value]) => [label, ...outcomes.map((o) => (o.metrics ? String(value(o.metrics) ?? '-') : 'n/a'))]);
  const widths = header.map((_, c) => Math.max(...[header, ...body].map((row) => row[c]!.length)));
  const line = (row: string[]) =>
    `| ${row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, c) => (c === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  const notes = outcomes.filter((o) => o.unavailable).map((o) => `${o.policy}: ${o.unavailable}`);
  return [`${scenario}`, '', line(header), rule, ...body.map(line), ...(notes.length ? ['', ...notes] : [])].join('\n');
}

/** The issue's JSON shape; an unavailable policy is `{ "available": false, "reason": … }`, never numbers. */
export function jsonResult(scenario: string, outcomes: PolicyOutcome[]): Record<string, unknown> {
  const policies: Record<string, unknown> = {};
  for (const o of outcomes) {
    if (!o.metrics) {
      policies[o.policy] = { available: false, reason: o.unavailable };
      continue;
    }
    const { accountingProblems, ...m } = o.metrics;
    policies[o.policy] = { ...m, ...(accountingProblems.length ? { accountingProblems } : {}) };
  }
  return { scenario, policies };
}
