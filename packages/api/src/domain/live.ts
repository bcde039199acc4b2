import { EventEmitter, on } from 'node:events';
import type postgres from 'postgres';
import { and, gt, inArray, sessions, type Database } from '@h2s/db';
import { LIVE_CHANNEL, type JobChange } from './events';

/** Job changes from every app instance, fed by PostgreSQL LISTEN/NOTIFY. */
export interface LiveBus {
  changes(signal: AbortSignal): AsyncIterable<JobChange>;
  /** Calls `listener` for each change until the returned function is called; resolves once listening. */
  subscribe(listener: (change: JobChange) => void): Promise<() => void>;
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
    async subscribe(listener) {
      emitter.on('change', listener);
      try {
        await start();
      } catch (error) {
        emitter.off('change', listener);
        throw error;
      }
      return () => void emitter.off('change', listener);
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
  readonly #endListeners = new Set<(sessionKey: string) => void>();

  /** Also told when a session's streams end (the live hub's streams are not AbortControllers). */
  onEnd(listener: (sessionKey: string) => void): () => void {
    this.#endListeners.add(listener);
    return () => void this.#endListeners.delete(listener);
  }

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
    for (const listener of this.#endListeners) listener(sessionKey);
  }
}

export const SESSION_RECHECK_MS = 60_000;

/** Bind parameters per query: PostgreSQL allows 65,535; a few thousand keep each statement small. */
const KEYS_PER_QUERY = 5_000;

/** Which of these sessions (token hashes) still exist and have not expired: one query per 5,000 keys. */
export async function openSessionKeys(db: Database, sessionKeys: readonly string[], now: Date): Promise<Set<string>> {
  const open = new Set<string>();
  for (let i = 0; i < sessionKeys.length; i += KEYS_PER_QUERY) {
    const rows = await db
      .select({ key: sessions.tokenHash })
      .from(sessions)
      .where(and(inArray(sessions.tokenHash, sessionKeys.slice(i, i + KEYS_PER_QUERY)), gt(sessions.expiresAt, now)));
    for (const row of rows) open.add(row.key);
  }
  return open;
}

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
    void openSessionKeys(deps.db, [sessionKey], deps.clock.now())
      .then((open) => {
        if (!open.has(sessionKey)) deps.streams.end(sessionKey);
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

/**
 * What a live feed follows, for a server that streams feeds itself (the node:http live hub): one
 * session's job changes, one job's changes, or nothing (a feed that ends at once).
 */
export type LiveTarget = { byJob: false; key: string | null } | { byJob: true; key: string } | null;

const feedTargets = new WeakMap<object, LiveTarget>();

/** Names what a subscription's feed follows; the feed itself is unchanged (and stays lazy). */
export function liveFeed<T>(target: LiveTarget, feed: AsyncGenerator<T>): AsyncGenerator<T> {
  feedTargets.set(feed, target);
  return feed;
}

/** What liveFeed named for this feed; undefined for any other value. */
export const liveTargetOf = (feed: unknown): LiveTarget | undefined =>
  typeof feed === 'object' && feed !== null ? feedTargets.get(feed) : undefined;
