import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, MemoryCookies, rejection, type TestApi } from '../test/fixtures';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi({ app: 'portal' });
});
afterAll(async () => api?.close());

describe('admin.updatePro', () => {
  it('edits name, home ZIP and radius; pausing stops offers; a new password ends the old sessions', async () => {
    const admin = await api.caller(await api.admin());
    const pro = await api.pro({ name: 'Sam Ortiz', postalCode: '60601', serviceRadiusMiles: 20 });
    await api.paidOrder();
    const asPro = await api.caller(pro);
    expect((await asPro.offers.list()).offers.length).toBeGreaterThan(0);

    const edited = await admin.admin.updatePro({ proId: pro.userId, name: 'Samuel Ortiz', postalCode: '53202', serviceRadiusMiles: 45 });
    expect(edited).toEqual({ proId: pro.userId, name: 'Samuel Ortiz', postalCode: '53202', serviceRadiusMiles: 45, active: true });
    const listed = (await admin.admin.pros({})).pros.find((p) => p.id === pro.userId)!;
    expect(listed).toMatchObject({ name: 'Samuel Ortiz', city: 'Milwaukee', state: 'WI', serviceRadiusMiles: 45, active: true });

    await admin.admin.updatePro({ proId: pro.userId, postalCode: '60601', active: false });
    expect((await asPro.offers.list()).offers).toEqual([]);
    await admin.admin.updatePro({ proId: pro.userId, active: true });
    expect((await asPro.offers.list()).offers.length).toBeGreaterThan(0);

    await admin.admin.updatePro({ proId: pro.userId, password: 'a brand new password' });
    const [sessions] = await api.t.sql<{ n: number }[]>`select count(*)::int as n from sessions where user_id = ${pro.userId}`;
    expect(sessions!.n).toBe(0);
    const anon = await api.caller(null, new MemoryCookies());
    await expect(anon.auth.login({ email: pro.email, password: 'correct horse battery' })).rejects.toThrow();
    expect(
      (await (await api.caller(null, new MemoryCookies())).auth.login({ email: pro.email, password: 'a brand new password' })).user.id,
    ).toBe(pro.userId);
  });

  it('names a bad field, refuses an unknown pro, and is for admins only', async () => {
    const admin = await api.caller(await api.admin());
    const pro = await api.pro();
    const badZip = await rejection(admin.admin.updatePro({ proId: pro.userId, postalCode: '00001' }));
    expect(badZip.code).toBe('BAD_REQUEST');
    expect((await rejection(admin.admin.updatePro({ proId: pro.userId, password: 'short' }))).code).toBe('BAD_REQUEST');
    expect((await rejection(admin.admin.updatePro({ proId: 'USR-AAAAAAAAAA', active: false }))).code).toBe('NOT_FOUND');
    expect((await rejection((await api.caller(pro)).admin.updatePro({ proId: pro.userId, serviceRadiusMiles: 500 }))).code).toBe(
      'FORBIDDEN',
    );
  });
});
