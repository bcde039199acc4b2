import type { TaskList } from 'graphile-worker';
import type { Database } from '@h2s/db';
import type { Clock } from '../domain/clock';
import { forgetOldAttempts } from '../domain/rate-limit';

export const FORGET_RATE_LIMIT_HITS_TASK = 'forget_rate_limit_hits';

/**
 * Rate-limit attempts older than this count for nothing (the longest window is 15 minutes); a day
 * keeps them around for looking into an incident.
 */
export const RATE_LIMIT_RETENTION_MS = 24 * 60 * 60 * 1000;

/**
 * The worker's recurring jobs (graphile-worker's crontab: each run is a queue job, so one runs per
 * hour however many workers are up, and a run missed while no worker ran is not repeated).
 */
export const CRONTAB = `0 * * * * ${FORGET_RATE_LIMIT_HITS_TASK}`;

export interface HousekeepingTaskDeps {
  db: Database;
  clock: Clock;
}

export function housekeepingTasks(deps: HousekeepingTaskDeps): TaskList {
  return {
    [FORGET_RATE_LIMIT_HITS_TASK]: async (_payload, helpers) => {
      const removed = await forgetOldAttempts(deps.db, new Date(deps.clock.now().getTime() - RATE_LIMIT_RETENTION_MS));
      if (removed) helpers.logger.info(`forgot ${removed} rate-limit attempts older than a day`);
    },
  };
}
