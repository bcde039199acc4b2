import { EventEmitter, on } from 'node:events';
import type postgres from 'postgres';
import { and, eq, gt, sessions, sql, type Database } from '@h2s/db';
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
 * Open live streams by session. Signing out ends that session's streams on this instance at once;
 * streams on other instances notice within SESSION_RECHECK_MS that their session is gone.
 */
export class SessionStreams {
  readonly #bySession = new Map<string, Set<AbortController>>();

  open(sessionKey: string): { signal: AbortSignal; close(): void } {
    const controller = new AbortController();
    let set = this.#bySession.get(sessionKey);
    if (!set) this.#bySession.set(sessionKey, (set = new Set()));
    set.add(controller);
    return {
      signal: controller.signal,
      close: () => {
        set.delete(controller);
        if (!set.size && this.#bySession.get(sessionKey) === set) this.#bySession.delete(sessionKey);
      },
    };
  }

  end(sessionKey: string): void {
    for (const controller of this.#bySession.get(sessionKey) ?? []) controller.abort();
    this.#bySession.delete(sessionKey);
  }
}

export const SESSION_RECHECK_MS = 60_000;

/**
 * The live feed for one signed-in session: it ends when the client goes, when the session signs out
 * here, or when a periodic check finds the session gone (signed out elsewhere, expired).
 */
export async function* sessionChanges(
  deps: { live: LiveBus; streams: SessionStreams; db: Database; clock: { now(): Date } },
  sessionKey: string | null,
  signal: AbortSignal,
): AsyncGenerator<JobChange> {
  if (!sessionKey) {
    yield* deps.live.changes(signal);
    return;
  }
  const stream = deps.streams.open(sessionKey);
  const recheck = setInterval(() => {
    void deps.db
      .select({ one: sql<number>`1` })
      .from(sessions)
      .where(and(eq(sessions.tokenHash, sessionKey), gt(sessions.expiresAt, deps.clock.now())))
      .then((rows) => {
        if (!rows.length) deps.streams.end(sessionKey);
      })
      .catch(() => {});
  }, SESSION_RECHECK_MS);
  recheck.unref();
  try {
    yield* deps.live.changes(AbortSignal.any([signal, stream.signal]));
  } finally {
    clearInterval(recheck);
    stream.close();
  }
}
