/**
 * The background worker: runs the jobs that transactions put on the PostgreSQL-backed queue
 * (graphile-worker). `pnpm dev` and `pnpm start` run one; jobs survive restarts because they live
 * in the database, and a failed job is retried with exponential backoff.
 */
import { run, type Runner, type TaskList } from 'graphile-worker';
import { quietQueueLogger } from '@h2s/db';

export interface WorkerOptions {
  connectionString: string;
  taskList: TaskList;
  /** Jobs run at once in this process. */
  concurrency?: number;
  /** How often to look for jobs that became due (new jobs arrive at once through LISTEN/NOTIFY). */
  pollIntervalMs?: number;
  /** The worker's own connection pool (graphile-worker's default is 10). */
  maxPoolSize?: number;
  /** Recurring jobs, in graphile-worker's crontab format (tasks/housekeeping.ts: CRONTAB). */
  crontab?: string;
}

export function startWorker(options: WorkerOptions): Promise<Runner> {
  return run({
    connectionString: options.connectionString,
    taskList: options.taskList,
    concurrency: options.concurrency ?? 2,
    pollInterval: options.pollIntervalMs ?? 1000,
    ...(options.maxPoolSize ? { maxPoolSize: options.maxPoolSize } : {}),
    ...(options.crontab ? { crontab: options.crontab } : {}),
    // The process that starts the worker owns SIGTERM/SIGINT and stops it with runner.stop().
    noHandleSignals: true,
    logger: quietQueueLogger,
  });
}
