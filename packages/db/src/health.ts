/**
 * What /readyz asks the database (issue 20, item 8): are the committed migrations all applied, and
 * when did a background worker last record a heartbeat. Times are the database's own (`now()`), so
 * a process running on a fixed test clock (H2S_NOW) still reads them right.
 */
import { sql as drizzleSql } from 'drizzle-orm';
import journal from '../migrations/meta/_journal.json' with { type: 'json' };
import type { DbOrTx } from './client';

/** The `when` of the newest committed migration (drizzle records it as the applied row's created_at). */
export const LATEST_MIGRATION_WHEN = Math.max(...journal.entries.map((e) => e.when));
export const LATEST_MIGRATION_TAG = journal.entries.find((e) => e.when === LATEST_MIGRATION_WHEN)?.tag ?? '';

export interface DatabaseHealth {
  migrationsCurrent: boolean;
  /** Seconds since the newest worker heartbeat, or null when no worker ever beat. */
  heartbeatAgeSeconds: number | null;
}

export async function databaseHealth(db: DbOrTx): Promise<DatabaseHealth> {
  const rows = await db.execute<{ latest: string | null; age: number | null }>(drizzleSql`
    select
      (select max(created_at)::text from drizzle.__drizzle_migrations) as latest,
      (select extract(epoch from now() - max(beat_at))::float8 from worker_heartbeats) as age`);
  const row = rows[0];
  return {
    migrationsCurrent: row?.latest != null && Number(row.latest) >= LATEST_MIGRATION_WHEN,
    heartbeatAgeSeconds: row?.age == null ? null : Number(row.age),
  };
}

/** The worker's heartbeat: one row per worker process, its time the database's. */
export async function recordHeartbeat(db: DbOrTx, worker: string): Promise<void> {
  await db.execute(
    drizzleSql`insert into worker_heartbeats (worker, beat_at) values (${worker}, now()) on conflict (worker) do update set beat_at = now()`,
  );
  // Workers that stopped long ago (each process has its own row) are forgotten.
  await db.execute(drizzleSql`delete from worker_heartbeats where beat_at < now() - interval '1 day'`);
}
