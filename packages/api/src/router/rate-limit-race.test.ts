/** Issue 20, item 2: the limits hold under concurrency, and an unknown address is limited too. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGIN_FAILURE_LIMIT, LOGIN_FAILURES_PER_ADDRESS } from '../domain/auth';
import { createTestApi, MemoryCookies, type TestApi } from '../test/fixtures';
import { SIGN_IN_LINKS_PER_ADDRESS } from './account';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi({ app: 'portal' });
});
afterAll(async () => api?.close());

const from = async (clientIp: string | null) =>
  api.server.callerFor(await api.server.createContext({ cookies: new MemoryCookies(), clientIp }));

const codes = (results: PromiseSettledResult<unknown>[]) =>
  results.map((r) => (r.status === 'fulfilled' ? 'OK' : String((r.reason as { code?: string }).code)));

describe('auth.login under concurrency', () => {
  it('verifies at most 5 passwords for one email when 30 guesses arrive at once, the right one among them', async () => {
    const pro = await api.pro();
    const guesses = Array.from({ length: 30 }, (_, i) => (i === 29 ? 'correct horse battery' : `wrong-${i}`));
    const results = await Promise.allSettled(
      guesses.map(async (password, i) => (await from(`198.18.0.${i + 1}`)).auth.login({ email: pro.email, password })),
    );
    const seen = codes(results);
    const checked = seen.filter((c) => c === 'UNAUTHORIZED' || c === 'OK').length;
    expect(checked).toBeLessThanOrEqual(LOGIN_FAILURE_LIMIT);
    expect(seen.filter((c) => c === 'TOO_MANY_REQUESTS').length).toBeGreaterThanOrEqual(30 - LOGIN_FAILURE_LIMIT);
    // Only wrong guesses left their mark: the limit is spent, even the right password is refused now.
    if (!seen.includes('OK')) {
      await expect((await from('198.18.1.1')).auth.login({ email: pro.email, password: 'correct horse battery' })).rejects.toMatchObject({
        code: 'TOO_MANY_REQUESTS',
      });
    }
  });

  it('limits callers whose address is unknown in one shared bucket, never skipping the limit', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: LOGIN_FAILURES_PER_ADDRESS + 10 }, async (_, i) =>
        (await from(null)).auth.login({ email: `unknown-${i}@pros.test`, password: 'wrong' }),
      ),
    );
    const seen = codes(results);
    expect(seen.filter((c) => c === 'UNAUTHORIZED').length).toBe(LOGIN_FAILURES_PER_ADDRESS);
    expect(seen.filter((c) => c === 'TOO_MANY_REQUESTS').length).toBe(10);
    // A known address has its own bucket.
    await expect((await from('198.18.2.1')).auth.login({ email: 'someone@pros.test', password: 'wrong' })).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
  });
});

describe('account.requestLink under concurrency', () => {
  it('sends at most 10 links in parallel from an unknown address', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: SIGN_IN_LINKS_PER_ADDRESS + 5 }, async (_, i) =>
        (await from(null)).account.requestLink({ email: `parallel-${i}@example.com` }),
      ),
    );
    const seen = codes(results);
    expect(seen.filter((c) => c === 'OK').length).toBe(SIGN_IN_LINKS_PER_ADDRESS);
    expect(seen.filter((c) => c === 'TOO_MANY_REQUESTS').length).toBe(5);
  });
});
