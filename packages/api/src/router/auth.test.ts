import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, MemoryCookies, sampleCheckout, type TestApi } from '../test/fixtures';
import { createSession, hashToken, resolveSession } from '../domain/auth';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi({ app: 'portal' });
});
afterAll(async () => api?.close());

async function proAccount() {
  const pro = await api.pro();
  return { ...pro, password: 'correct horse battery' };
}

describe('auth.login', () => {
  it('signs a pro in with an HttpOnly session whose token is stored only as a hash', async () => {
    const pro = await proAccount();
    const cookies = new MemoryCookies();
    const anon = await api.caller(null, cookies);
    const result = await anon.auth.login({ email: pro.email.toUpperCase(), password: pro.password });
    expect(result.user).toEqual({ id: pro.userId, role: 'pro', name: pro.name });
    const token = cookies.get('h2s_portal_session');
    expect(token).toBeDefined();
    expect(token!.length).toBeGreaterThanOrEqual(43); // 32 random bytes, base64url
    const rows = await api.t.sql`select token_hash from sessions where user_id = ${pro.userId}`;
    expect(rows.map((r) => r.token_hash)).toContain(hashToken(token!));
    expect(rows.map((r) => r.token_hash)).not.toContain(token);
  });

  it('gives the same answer for an unknown email and a wrong password', async () => {
    const pro = await proAccount();
    const anon = await api.caller(null);
    const wrong = await anon.auth.login({ email: pro.email, password: 'nope nope nope' }).catch((e: Error) => e);
    const unknown = await anon.auth.login({ email: 'nobody@example.com', password: 'nope nope nope' }).catch((e: Error) => e);
    expect(wrong).toMatchObject({ code: 'UNAUTHORIZED', message: 'Email or password is incorrect.' });
    expect(unknown).toMatchObject({ code: 'UNAUTHORIZED', message: 'Email or password is incorrect.' });
  });

  it('slows repeated failures: the sixth try in 15 minutes is TOO_MANY_REQUESTS, even with the right password', async () => {
    const pro = await proAccount();
    const anon = await api.caller(null);
    for (let i = 0; i < 5; i++) {
      await expect(anon.auth.login({ email: pro.email, password: `wrong-${i}` })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    }
    await expect(anon.auth.login({ email: pro.email, password: pro.password })).rejects.toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    api.clock.set(new Date(api.clock.now().getTime() + 16 * 60_000));
    await expect(anon.auth.login({ email: pro.email, password: pro.password })).resolves.toMatchObject({ user: { role: 'pro' } });
  });

  it('customers have no password sign-in', async () => {
    const order = await api.paidOrder();
    const anon = await api.caller(null);
    await expect(anon.auth.login({ email: order.customer.email, password: 'anything at all' })).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
  });
});

describe('sessions', () => {
  it('resolves the cookie to the viewer, renews it past half-life, and ends it at expiry', async () => {
    const pro = await proAccount();
    const start = api.clock.now();
    const ctx = async (token: string) => {
      const cookies = new Map([['h2s_portal_session', token]]);
      const jar = {
        get: (n: string) => cookies.get(n),
        set: (n: string, v: string) => void cookies.set(n, v),
        delete: (n: string) => void cookies.delete(n),
      };
      return { context: await api.server.createContext({ cookies: jar, clientIp: null }), cookies };
    };
    expect((await ctx(pro.token)).context.viewer).toMatchObject({ userId: pro.userId, role: 'pro' });
    api.clock.set(new Date(start.getTime() + 8 * 86_400_000));
    expect((await ctx(pro.token)).context.viewer?.userId).toBe(pro.userId);
    const [renewed] = await api.t
      .sql`select extract(epoch from expires_at)::bigint * 1000 as ms from sessions where token_hash = ${hashToken(pro.token)}`;
    expect(Number(renewed!.ms)).toBe(start.getTime() + 22 * 86_400_000);
    api.clock.set(new Date(start.getTime() + 23 * 86_400_000));
    const expired = await ctx(pro.token);
    expect(expired.context.viewer).toBeNull();
    expect(expired.cookies.has('h2s_portal_session')).toBe(false);
    api.clock.set(start);
  });

  it('logout deletes the session; a planted cookie is replaced on sign-in (no fixation)', async () => {
    const pro = await proAccount();
    const cookies = new MemoryCookies();
    cookies.set('h2s_portal_session', 'attacker-chosen-token-value');
    const caller = await api.caller(null, cookies);
    await caller.auth.login({ email: pro.email, password: pro.password });
    const token = cookies.get('h2s_portal_session')!;
    expect(token).not.toBe('attacker-chosen-token-value');
    await caller.auth.logout();
    expect(cookies.get('h2s_portal_session')).toBeUndefined();
    const rows = await api.t.sql`select 1 from sessions where token_hash = ${hashToken(token)}`;
    expect(rows).toHaveLength(0);
  });

  it("a paid checkout's session id signs its holder in to that one order, not the account", async () => {
    const order = await api.paidOrder();
    const cookies = new MemoryCookies();
    const visitor = await api.caller(null, cookies);
    const { user, orderId } = await visitor.auth.checkoutSession({ sessionId: order.sessionId });
    expect(user).toMatchObject({ id: order.customer.userId, role: 'customer' });
    expect(orderId).toBe(order.orderId);
    const token = cookies.get('h2s_portal_session');
    expect(token).toBeDefined();
    const [row] = await api.t.sql`select scope_order_id from sessions where token_hash = ${hashToken(token!)}`;
    expect(row?.scope_order_id).toBe(order.orderId);
    await expect(visitor.auth.checkoutSession({ sessionId: 'cs_test_guess_guess' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('an unpaid checkout grants nothing', async () => {
    const anon = await api.caller(null);
    const { sessionId } = await anon.checkout.create(sampleCheckout());
    const cookies = new MemoryCookies();
    const visitor = await api.caller(null, cookies);
    await expect(visitor.auth.checkoutSession({ sessionId })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(cookies.get('h2s_portal_session')).toBeUndefined();
  });

  it('a session used every few days still ends 30 days after sign-in (absolute lifetime)', async () => {
    const pro = await proAccount();
    const start = new Date('2026-01-01T00:00:00.000Z');
    const { token } = await createSession(api.t.db, pro.userId, start);
    const day = 24 * 3600 * 1000;
    for (const d of [6, 12, 18, 24, 29]) {
      const resolved = await resolveSession(api.t.db, token, new Date(start.getTime() + d * day));
      expect(resolved?.viewer.userId, `day ${d}`).toBe(pro.userId);
    }
    const [row] = await api.t.sql<{ expires_at: Date }[]>`select expires_at from sessions where token_hash = ${hashToken(token)}`;
    // Renewal never reaches past the absolute end.
    expect(new Date(row!.expires_at).getTime()).toBeLessThanOrEqual(start.getTime() + 30 * day);
    expect(await resolveSession(api.t.db, token, new Date(start.getTime() + 30 * day + 1000))).toBeNull();
  });
});
