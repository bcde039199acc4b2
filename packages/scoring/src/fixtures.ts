/** Jobs and a pro placed around downtown Chicago, for the scoring tests. */
import { scoreJob, type BreakdownLine, type RuleName, type ScoredJob, type ScoringPro } from './index';

export const HOUR = 3_600_000;
// Approximation from the brief; with a 3958.8 mi earth radius one degree is ~69.094 mi,
// so placing jobs with 69.09 lands them a hair beyond the nominal mile mark.
export const MILES_PER_DEGREE_LAT = 69.09;

export const NOW = new Date('2025-06-02T12:00:00.000Z');
export const PRO: ScoringPro = { lat: 41.8858, lng: -87.6181, serviceRadiusMiles: 100 };

export function north(miles: number, pro: ScoringPro = PRO): { lat: number; lng: number } {
  return { lat: pro.lat + miles / MILES_PER_DEGREE_LAT, lng: pro.lng };
}

export function hoursFromNow(hours: number): Date {
  return new Date(NOW.getTime() + hours * HOUR);
}

export function makeJob(overrides: Partial<ScoredJob> & { miles?: number } = {}): ScoredJob {
  const { miles = 5, ...rest } = overrides;
  return {
    jobId: 'job-1',
    status: 'queued',
    dueAt: null,
    createdAt: hoursFromNow(-24),
    ...north(miles),
    ...rest,
  };
}

export function lineFor(breakdown: readonly BreakdownLine[], rule: RuleName): BreakdownLine | undefined {
  return breakdown.find((line) => line.rule === rule);
}

export function pointsFor(job: ScoredJob, rule: RuleName): number | undefined {
  return lineFor(scoreJob(job, PRO, NOW).breakdown, rule)?.points;
}
