/**
 * Applying a proposed plan: each placement goes through assignJob, the same path as a manual
 * admin.assign (its radius and hours checks unconfirmed, skills, days off, the pro's day, the audit row, the pro's notification), one
 * transaction each, in route order. A placement the day no longer allows is reported, not forced.
 */
import type { Database } from '@h2s/db';
import { assignJob } from '../job-commands';
import { checkAssignmentRadius } from '../dispatch-assignment';
import { checkAssignmentHours } from '../assignment-hours';
import { DomainError } from '../errors';
import type { Actor } from '../events';
import type { TravelTimes } from './travel';

export interface Placement {
  jobId: string;
  proId: string;
  /** The planned stop's start (ISO): placed there when the day allows, else where assignJob would. */
  start?: string;
}

export type PlacementResult = { jobId: string; proId: string } & (
  { applied: true; assignmentId: string } | { applied: false; reason: string }
);

export async function applyDayPlan(
  db: Database,
  placements: Placement[],
  admin: Actor,
  now: Date,
  travel?: TravelTimes,
): Promise<{ results: PlacementResult[]; applied: number; refused: number }> {
  const results: PlacementResult[] = [];
  for (const placement of placements) {
    const { jobId, proId } = placement;
    try {
      await checkAssignmentRadius(db, placement.jobId, placement.proId, false);
      await checkAssignmentHours(db, placement.jobId, placement.proId, undefined);
      const prefer = placement.start ? new Date(placement.start) : undefined;
      const assignment = await assignJob(db, placement.jobId, placement.proId, admin, now, { travel, prefer });
      results.push({ jobId, proId, applied: true, assignmentId: assignment.id });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      results.push({ jobId, proId, applied: false, reason: error.message });
    }
  }
  const applied = results.filter((r) => r.applied).length;
  return { results, applied, refused: results.length - applied };
}
