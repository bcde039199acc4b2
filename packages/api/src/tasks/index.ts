/**
 * Every task the worker runs. Other task modules (offer timers, refunds) add theirs here:
 * `{ ...emailTasks(deps), ...offerTasks(deps) }`.
 */
import type { TaskList } from 'graphile-worker';
import { emailTasks, type EmailTaskDeps } from './email';

export type TaskDeps = EmailTaskDeps;

export function createTaskList(deps: TaskDeps): TaskList {
  return { ...emailTasks(deps) };
}
