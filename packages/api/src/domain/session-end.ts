/**
 * A session's end as an event every process hears (issue 20, item 6): signing out in one app (or one
 * worker process) ends that session's live streams everywhere at once, not after the next periodic
 * session check (SESSION_RECHECK_MS).
 */
import type postgres from 'postgres';
import { sql, type DbOrTx } from '@h2s/db';

export const SESSION_END_CHANNEL = 'h2s_session_end';

/** Tells every process that the session with this key (its token's hash) has ended. */
export async function announceSessionEnd(db: DbOrTx, sessionKey: string): Promise<void> {
  await db.execute(sql`select pg_notify(${SESSION_END_CHANNEL}, ${sessionKey})`);
}

/** Calls `onEnd` with each ended session's key, until the returned function is called. */
export async function listenForSessionEnds(client: postgres.Sql, onEnd: (sessionKey: string) => void): Promise<() => Promise<void>> {
  const { unlisten } = await client.listen(SESSION_END_CHANNEL, (key) => {
    if (/^[0-9a-f]{64}$/.test(key)) onEnd(key);
  });
  return unlisten;
}

/** One LISTEN per process, started by the first request; `close` stops it. Failures are logged and retried on the next request. */
export function sessionEndListener(client: postgres.Sql, streams: { end(sessionKey: string): void }, log: (error: unknown) => void) {
  let listening: Promise<(() => Promise<void>) | null> | null = null;
  return {
    start() {
      listening ??= listenForSessionEnds(client, (key) => streams.end(key)).catch((error: unknown) => {
        log(error);
        listening = null;
        return null;
      });
    },
    async close() {
      await (await listening)?.().catch(() => {});
    },
  };
}
