import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueue, sql } from '@h2s/db';
import { createTestDatabase, type TestDatabase } from '@h2s/db/testing';
import { startWorker } from './worker';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t?.drop());

describe('the job queue', () => {
  it('runs a job only when the transaction that added it commits, and once per job key', async () => {
    const seen: string[] = [];
    await t.db
      .transaction(async (tx) => {
        await enqueue(tx, 'note', { id: 'rolled-back' });
        throw new Error('undo');
      })
      .catch(() => {});
    await t.db.transaction(async (tx) => {
      await enqueue(tx, 'note', { id: 'first' }, { jobKey: 'note:1' });
      // The same key again in a later change replaces the pending job instead of adding a second.
      await enqueue(tx, 'note', { id: 'replaced' }, { jobKey: 'note:1' });
    });
    await t.db.transaction(async (tx) => enqueue(tx, 'note', { id: 'second' }));
    const runner = await startWorker({
      connectionString: t.url,
      pollIntervalMs: 100,
      taskList: {
        note: async (payload) => {
          seen.push((payload as { id: string }).id);
        },
      },
    });
    try {
      for (let i = 0; i < 100 && seen.length < 2; i++) await new Promise((r) => setTimeout(r, 50));
    } finally {
      await runner.stop();
    }
    expect(seen.sort()).toEqual(['replaced', 'second']);
    const [left] = await t.db.execute<{ n: number }>(sql`select count(*)::int as n from graphile_worker.jobs`);
    expect(left?.n).toBe(0);
  });

  it('retries a failing job later instead of losing it', async () => {
    await t.db.transaction(async (tx) => enqueue(tx, 'flaky', { id: 'x' }, { maxAttempts: 5 }));
    let attempts = 0;
    const runner = await startWorker({
      connectionString: t.url,
      pollIntervalMs: 100,
      taskList: {
        flaky: async () => {
          attempts++;
          throw new Error('SMTP down');
        },
      },
    });
    try {
      for (let i = 0; i < 100 && attempts < 1; i++) await new Promise((r) => setTimeout(r, 50));
    } finally {
      await runner.stop();
    }
    expect(attempts).toBe(1);
    const [job] = await t.db.execute<{ attempts: number; last_error: string; later: boolean }>(
      sql`select attempts, last_error, run_at > now() as later from graphile_worker.jobs where task_identifier = 'flaky'`,
    );
    expect(job).toMatchObject({ attempts: 1, later: true });
    expect(job?.last_error).toContain('SMTP down');
  });
});
