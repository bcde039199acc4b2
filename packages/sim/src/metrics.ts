/** Dispatch quality of one run, from what the simulation saw and what the database holds afterwards. */
import { auditIntegrity } from '@h2s/api/integrity';
import { sql } from '@h2s/db';
import { doubleBookings, jobsHeldTwice } from './doubles';
import { planOutcomes, type PlanOutcome } from './planned';
import type { SimState } from './state';

export interface PolicyMetrics {
  jobs: number;
  /** Claimed before the window opened. */
  claimed: number;
  /** Claimed only once the window had begun. */
  claimedLate: number;
  /** Never claimed by anyone (not cancelled). */
  unclaimed: number;
  /** Flagged "needs dispatch" by the escalation timer at some point. */
  escalated: number;
  cancelled: number;
  /** Refused at checkout (no pro covers the address with the cart's skills). */
  refused: number;
  claimMinutesP50: number | null;
  claimMinutesP90: number | null;
  driveMinutesTotal: number;
  driveMinutesPerJob: number | null;
  onTimePct: number | null;
  jobsPerProDay: number;
  jobsPerProDayMax: number;
  gini: number;
  doubleBookings: number;
  integrityBreaches: number;
  /** Every job ended in exactly one bucket, and the database agrees. */
  accountedFor: boolean;
  accountingProblems: string[];
  /** The first few double bookings, as the database shows them. */
  doubleBookingDetails?: string[];
  calls: number;
  seconds: number;
  /** The `planned` policy's plan: how many stops it proposed, how many admin.assign applied. */
  plan?: PlanOutcome;
}

export function percentile(values: number[], p: number): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

/** The Gini coefficient of non-negative values: 0 all equal, towards 1 all with one. */
export function gini(values: number[]): number {
  const n = values.length;
  const total = values.reduce((a, b) => a + b, 0);
  if (!n || !total) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const weighted = sorted.reduce((sum, v, i) => sum + (i + 1) * v, 0);
  return (2 * weighted) / (n * total) - (n + 1) / n;
}

const round = (value: number | null, digits = 1) => (value === null ? null : Math.round(value * 10 ** digits) / 10 ** digits);

export async function measure(state: SimState, seconds: number): Promise<PolicyMetrics> {
  const { jobs, world } = state;
  const db = world.server.deps.db;
  const refused = jobs.filter((j) => j.refused).length;
  const cancelled = jobs.filter((j) => j.cancelledAt !== undefined).length;
  const live = jobs.filter((j) => j.jobId && j.cancelledAt === undefined);
  const visited = live.filter((j) => j.visit);
  const unclaimed = live.filter((j) => j.acceptedAt === undefined).length;
  const claimed = live.filter((j) => j.acceptedAt !== undefined && j.acceptedAt < j.windowStart).length;
  const claimedLate = live.filter((j) => j.acceptedAt !== undefined && j.acceptedAt >= j.windowStart).length;
  const claimMinutes = jobs.filter((j) => j.acceptedAt !== undefined).map((j) => (j.acceptedAt! - j.paidAt!) / 60_000);
  const drive = visited.reduce((sum, j) => sum + j.visit!.driveMinutes, 0);
  const perPro = state.pros.map((pro) => visited.filter((j) => j.pro === pro).length);

  const problems: string[] = [];
  if (refused + cancelled + visited.length + unclaimed !== jobs.length) {
    problems.push(
      `${jobs.length} jobs but ${refused} refused + ${cancelled} cancelled + ${visited.length} visited + ${unclaimed} unclaimed`,
    );
  }
  const statuses = await db.execute<{ status: string; n: number }>(
    sql`select status, count(*)::int as n from dispatch_jobs group by status`,
  );
  const count = (status: string) => statuses.find((s) => s.status === status)?.n ?? 0;
  const expect = (status: string, n: number) => {
    if (count(status) !== n) problems.push(`database has ${count(status)} ${status} jobs, the simulation ${n}`);
  };
  expect('completed', visited.length);
  expect('cancelled', cancelled);
  expect('scheduled', unclaimed);
  for (const status of ['queued', 'accepted', 'en_route', 'in_progress']) expect(status, 0);

  const doubles = [...(doubleBookings.get(state) ?? []), ...(await jobsHeldTwice(state))];
  const audit = await auditIntegrity({ db, storage: world.server.deps.storage });

  return {
    jobs: jobs.length,
    claimed,
    claimedLate,
    unclaimed,
    escalated: jobs.filter((j) => j.escalatedAt !== undefined).length,
    cancelled,
    refused,
    claimMinutesP50: round(percentile(claimMinutes, 50)),
    claimMinutesP90: round(percentile(claimMinutes, 90)),
    driveMinutesTotal: Math.round(drive),
    driveMinutesPerJob: visited.length ? round(drive / visited.length) : null,
    onTimePct: visited.length ? round((100 * visited.filter((j) => j.visit!.onTime).length) / visited.length) : null,
    jobsPerProDay: round(perPro.reduce((a, b) => a + b, 0) / Math.max(1, perPro.length), 2)!,
    jobsPerProDayMax: Math.max(0, ...perPro),
    gini: round(gini(perPro), 3)!,
    doubleBookings: doubles.length,
    ...(doubles.length ? { doubleBookingDetails: doubles.slice(0, 5) } : {}),
    integrityBreaches: audit.breachCount,
    accountedFor: problems.length === 0,
    accountingProblems: problems,
    calls: [...world.timings.values()].reduce((sum, t) => sum + t.calls, 0),
    seconds: round(seconds, 1)!,
    ...(planOutcomes.has(state) ? { plan: planOutcomes.get(state)! } : {}),
  };
}
