import type { TaskList } from 'graphile-worker';
import { offerTasks, type OfferTaskDeps } from './offers';
import { refundTasks, type RefundTaskDeps } from './refunds';

export type TaskDeps = OfferTaskDeps & RefundTaskDeps;

/** Every task the worker runs. */
export function createTaskList(deps: TaskDeps): TaskList {
  return { ...offerTasks(deps), ...refundTasks(deps) };
}
