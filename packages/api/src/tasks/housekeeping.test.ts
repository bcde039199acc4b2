import { parseCrontab, type JobHelpers } from 'graphile-worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rateLimitHits } from '@h2s/db';
import { createTestApi, type TestApi } from '../test/fixtures';
import { CRONTAB, FORGET_RATE_LIMIT_HITS_TASK, housekeepingTasks, RATE_LIMIT_RETENTION_MS } from './housekeeping';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi({ now: '2026-03-10T12:00:00Z' });
});
afterAll(async () => api?.close());

describe('housekeeping', () => {
  it('forgets rate-limit attempts older than a day and keeps the ones that still count', async () => {
    const now = api.clock.now().getTime();
    await api.t.db.insert(rateLimitHits).values([
      { bucket: 'sign-in-link:email:old@example.com', at: new Date(now - RATE_LIMIT_RETENTION_MS - 60_000) },
      { bucket: 'sign-in-link:email:recent@example.com', at: new Date(now - 5 * 60_000) },
    ]);
    const logged: string[] = [];
    const helpers = { logger: { info: (m: string) => logged.push(m) } } as unknown as JobHelpers;
    await housekeepingTasks({ db: api.t.db, clock: api.clock })[FORGET_RATE_LIMIT_HITS_TASK]!({}, helpers);
    const left = await api.t.db.select({ bucket: rateLimitHits.bucket }).from(rateLimitHits);
    expect(left.map((r) => r.bucket)).toEqual(['sign-in-link:email:recent@example.com']);
    expect(logged).toEqual(['forgot 1 rate-limit attempts older than a day']);
  });

  it('runs every hour from the worker’s crontab', () => {
    const [item] = parseCrontab(CRONTAB);
    expect(item?.task).toBe(FORGET_RATE_LIMIT_HITS_TASK);
    expect(item?.match).toBeTypeOf('function');
  });
});
