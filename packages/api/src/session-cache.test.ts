/**
 * The per-process session cache (issue 13): a request reuses a session read moments ago, yet signing
 * out or a new password ends the session's access at once on this process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updatePro } from './domain/pros';
import { createTestApi, type TestApi } from './test/fixtures';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi({ app: 'portal' });
});
afterAll(async () => api?.close());

const BASE = 'http://portal.test';
const me = async (token: string) => {
  const response = await api.server.handlePlainTrpc(
    new Request(`${BASE}/api/trpc/auth.me`, { headers: { cookie: `h2s_portal_session=${token}` } }),
  );
  return ((await response.json()) as { result: { data: { user: { id: string } | null } } }).result.data.user;
};
const logout = (token: string) =>
  api.server.handlePlainTrpc(
    new Request(`${BASE}/api/trpc/auth.logout`, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json', cookie: `h2s_portal_session=${token}` },
    }),
  );

describe('session cache', () => {
  it('signing out ends the session at once, even right after a request cached it', async () => {
    const pro = await api.pro();
    expect((await me(pro.token))?.id).toBe(pro.userId);
    expect((await me(pro.token))?.id).toBe(pro.userId);
    expect((await logout(pro.token)).status).toBe(200);
    expect(await me(pro.token)).toBeNull();
  });

  it('a new password ends every cached session of that pro at once; other pros stay signed in', async () => {
    const pro = await api.pro();
    const other = await api.pro();
    expect((await me(pro.token))?.id).toBe(pro.userId);
    expect((await me(other.token))?.id).toBe(other.userId);
    await updatePro(api.t.db, { proId: pro.userId, password: 'a-brand-new-password-1' });
    expect(await me(pro.token)).toBeNull();
    expect((await me(other.token))?.id).toBe(other.userId);
  });
});
