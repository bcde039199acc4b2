import { EventEmitter, on } from 'node:events';
import type postgres from 'postgres';
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
