import type { TaskList } from 'graphile-worker';
import type { Database } from '@h2s/db';
import type { Clock } from '../domain/clock';
import { ESCALATE_TASK, WIDEN_TASK, escalateOffer, widenOffer } from '../domain/offer-timers';
import { dispatchPolicy, type DispatchPolicy } from '../domain/policy';

export interface OfferTaskDeps {
  db: Database;
  clock: Clock;
  policy?: DispatchPolicy;
}

const jobIdOf = (payload: unknown): string => {
  const jobId = (payload as { jobId?: unknown } | null)?.jobId;
  if (typeof jobId !== 'string') throw new Error('offer task payload has no jobId');
  return jobId;
};

/** The widen and escalate steps of an unclaimed job's offers. */
export function offerTasks(deps: OfferTaskDeps): TaskList {
  const policy = () => deps.policy ?? dispatchPolicy();
  return {
    [WIDEN_TASK]: async (payload) => {
      await widenOffer(deps.db, jobIdOf(payload), deps.clock.now(), policy());
    },
    [ESCALATE_TASK]: async (payload) => {
      await escalateOffer(deps.db, jobIdOf(payload), deps.clock.now(), policy());
    },
  };
}
