import { EventEmitter, on } from 'node:events';
import type postgres from 'postgres';
import { asc, gt, jobEvents, sql, type Database } from '@h2s/db';
import { LIVE_CHANNEL, type JobChange } from './events';

/** Job changes from every app instance, fed by PostgreSQL LISTEN/NOTIFY. */
export interface LiveBus {
  changes(signal: AbortSignal): AsyncIterable<JobChange>;
  close(): Promise<void>;
}

export function pgLiveBus(sql: postgres.Sql): LiveBus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  let listening: Promise<{ unlisten: () => Promise<void> }> | null = null;
  const start = () =>
    (listening ??= sql.listen(LIVE_CHANNEL, (payload) => {
      try {
        emitter.emit('change', JSON.parse(payload) as JobChange);
      } catch {
        // A malformed payload came from outside this app; skip it.
      }
    }));
  return {
    async *changes(signal) {
      const subscribed = on(emitter, 'change', { signal });
      await start();
      try {
        for await (const [change] of subscribed) yield change as JobChange;
      } catch (error) {
        if ((error as Error).name !== 'AbortError') throw error;
      }
    },
    async close() {
      if (listening) await (await listening).unlisten().catch(() => {});
      listening = null;
    },
  };
}

/**
 * The same feed by polling the append-only job_events table: for embedded PGlite in development,
 * whose socket does not carry NOTIFY between connections.
 */
export function pollingLiveBus(db: Database, intervalMs = 500): LiveBus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  let timer: NodeJS.Timeout | null = null;
  let lastId: number | null = null;
  const tick = async () => {
    try {
      if (lastId === null) {
        const [row] = await db.select({ id: sql<number>`coalesce(max(${jobEvents.id}), 0)::int` }).from(jobEvents);
        lastId = row?.id ?? 0;
        return;
      }
      const rows = await db
        .select({ id: jobEvents.id, jobId: jobEvents.jobId, type: jobEvents.type, createdAt: jobEvents.createdAt })
        .from(jobEvents)
        .where(gt(jobEvents.id, lastId))
        .orderBy(asc(jobEvents.id))
        .limit(500);
      for (const row of rows) {
        lastId = row.id;
        emitter.emit('change', { jobId: row.jobId, type: row.type, at: row.createdAt.toISOString() } satisfies JobChange);
      }
    } catch (error) {
      console.error('[live] poll failed:', (error as Error).message);
    }
  };
  const ensure = () => {
    if (timer) return;
    void tick();
    timer = setInterval(() => void tick(), intervalMs);
    timer.unref();
  };
  return {
    async *changes(signal) {
      const subscribed = on(emitter, 'change', { signal });
      ensure();
      try {
        for await (const [change] of subscribed) yield change as JobChange;
      } catch (error) {
        if ((error as Error).name !== 'AbortError') throw error;
      }
    },
    async close() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
