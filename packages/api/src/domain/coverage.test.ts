import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, rejection, sampleCheckout, type TestApi } from '../test/fixtures';
import { issuesOf, messagesByField } from '../trpc';

const anchorage = { line1: '632 W 6th Ave', city: 'Anchorage', state: 'AK', postalCode: '99501' };

describe('checkout coverage: no payment for an address nobody serves (issue 22)', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi({ coverage: false });
  });
  afterAll(async () => api?.close());

  it('refuses an address with no active pro in reach, on the ZIP field, and opens no checkout', async () => {
    const anon = await api.caller(null);
    const error = await rejection(anon.checkout.create(sampleCheckout({ serviceAddress: anchorage })));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toBe("We don't serve 99501 yet");
    expect(messagesByField(issuesOf(error.cause) ?? [])).toEqual({ 'serviceAddress.postalCode': "We don't serve 99501 yet" });
    const [row] = await api.t.sql`select count(*)::int as n from orders`;
    expect(row!.n).toBe(0);
  });

  it('counts only active pros who hold every skill of the cart, within their own radius', async () => {
    const anon = await api.caller(null);
    const chicago = sampleCheckout();
    // A pro 60 miles out with a 50-mile radius does not cover downtown Chicago (Rockford, IL).
    await api.pro({ postalCode: '61101', serviceRadiusMiles: 50 });
    await expect(anon.checkout.create(chicago)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    // In reach, but without the mounting skill the cart needs.
    await api.pro({ postalCode: '60601', serviceRadiusMiles: 30, skills: ['networking'] });
    await expect(anon.checkout.create(chicago)).rejects.toThrow("We don't serve 60601 yet");
    // In reach with the skill, but paused.
    const paused = await api.pro({ postalCode: '60601', serviceRadiusMiles: 30, skills: ['wall-mount'] });
    await api.t.sql`update pros set active = false where user_id = ${paused.userId}`;
    await expect(anon.checkout.create(chicago)).rejects.toThrow("We don't serve 60601 yet");
    await api.t.sql`update pros set active = true where user_id = ${paused.userId}`;
    await expect(anon.checkout.create(chicago)).resolves.toMatchObject({ sessionId: expect.any(String) });
  });

  it('stores "tell me when you serve it" once per email and ZIP, and shows admins the demand by area', async () => {
    const anon = await api.caller(null);
    await anon.checkout.notifyWhenServed({ email: 'Sam@Example.com', postalCode: '99501', skus: ['tv-mount-standard'] });
    await anon.checkout.notifyWhenServed({ email: 'sam@example.com', postalCode: '99501' });
    await anon.checkout.notifyWhenServed({ email: 'lee@example.com', postalCode: '99501' });
    await anon.checkout.notifyWhenServed({ email: 'lee@example.com', postalCode: '59601' });
    await expect(anon.checkout.notifyWhenServed({ email: 'lee@example.com', postalCode: '00000' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    const [sam] = await api.t.sql`select skills from service_requests where email = 'sam@example.com'`;
    expect(sam!.skills).toEqual(['wall-mount']);
    await expect(anon.admin.unservedDemand()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    const admin = await api.caller(await api.admin());
    const { areas } = await admin.admin.unservedDemand();
    expect(areas.map((a) => [a.postalCode, a.city, a.requests])).toEqual([
      ['99501', 'Anchorage', 2],
      ['59601', 'Helena', 1],
    ]);
  });
});
