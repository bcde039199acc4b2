import type { TaskList } from 'graphile-worker';
import { emailTasks, type EmailTaskDeps } from './email';
import { offerTasks, type OfferTaskDeps } from './offers';
import { refundTasks, type RefundTaskDeps } from './refunds';

export type TaskDeps = EmailTaskDeps & OfferTaskDeps & RefundTaskDeps;

/** Every task the worker runs: email, offer timers (widen, escalate), refunds. */
export function createTaskList(deps: TaskDeps): TaskList {
  return { ...emailTasks(deps), ...offerTasks(deps), ...refundTasks(deps) };
}
