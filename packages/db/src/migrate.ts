import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import { runMigrations as runQueueMigrations } from 'graphile-worker';
import type { DbHandle } from './client';
import { quietQueueLogger } from './queue';

export const migrationsFolder = fileURLToPath(new URL('../migrations', import.meta.url));

/** graphile-worker's version: its schema (`graphile_worker`) is migrated by the library itself. */
export const QUEUE_SCHEMA_VERSION: string = (createRequire(import.meta.url)('graphile-worker/package.json') as { version: string }).version;

/** Our committed migrations, then the job queue's schema, so `graphile_worker.add_job` exists for every transaction. */
export async function runMigrations(handle: Pick<DbHandle, 'db' | 'url'>): Promise<void> {
  await migrate(handle.db, { migrationsFolder });
  await runQueueMigrations({ connectionString: handle.url, logger: quietQueueLogger });
}
