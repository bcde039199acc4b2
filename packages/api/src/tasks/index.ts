import type { TaskList } from 'graphile-worker';
import { emailTasks, type EmailTaskDeps } from './email';
import { offerTasks, type OfferTaskDeps } from './offers';
import { refundTasks, type RefundTaskDeps } from './refunds';
import { housekeepingTasks } from './housekeeping';
import { smsTasks, type SmsTaskDeps } from './sms';

export { CRONTAB } from './housekeeping';

export type TaskDeps = EmailTaskDeps & OfferTaskDeps & RefundTaskDeps & SmsTaskDeps;

/** Every task the worker runs: email, texts, offer timers (widen, escalate), refunds, housekeeping (crontab). */
export function createTaskList(deps: TaskDeps): TaskList {
  return { ...emailTasks(deps), ...smsTasks(deps), ...offerTasks(deps), ...refundTasks(deps), ...housekeepingTasks(deps) };
}
