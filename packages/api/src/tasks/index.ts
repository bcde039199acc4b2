import type { TaskList } from 'graphile-worker';
import { emailTasks, type EmailTaskDeps } from './email';
import { offerTasks, type OfferTaskDeps } from './offers';
import { refundTasks, type RefundTaskDeps } from './refunds';
import { housekeepingTasks } from './housekeeping';

export { CRONTAB } from './housekeeping';

export type TaskDeps = EmailTaskDeps & OfferTaskDeps & RefundTaskDeps;

/** Every task the worker runs: email, offer timers (widen, escalate), refunds, housekeeping (crontab). */
export function createTaskList(deps: TaskDeps): TaskList {
  return { ...emailTasks(deps), ...offerTasks(deps), ...refundTasks(deps), ...housekeepingTasks(deps) };
}
