import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from './client';
import { createTestDatabase, type TestDatabase } from './testing';

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase({ max: 1 });
});

afterAll(async () => {
  await t?.drop();
});

describe('createDb', () => {
  it('bounds every statement and idle transaction by default', async () => {
    const [row] = await t.sql<{ statement_timeout: string }[]>`show statement_timeout`;
    expect(row?.statement_timeout).toBe('30s');
    const [idle] = await t.sql<{ idle_in_transaction_session_timeout: string }[]>`show idle_in_transaction_session_timeout`;
    expect(idle?.idle_in_transaction_session_timeout).toBe('30s');
  });

  it('cancels a statement that runs past its timeout', async () => {
    const handle = createDb(t.url, { max: 1, statementTimeoutMs: 100 });
    try {
      await expect(handle.sql`select pg_sleep(5)`).rejects.toThrow(/statement timeout/);
    } finally {
      await handle.close();
    }
  });
});
