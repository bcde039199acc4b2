/** Issue 10, finding 4: sign-in links and failed sign-ins are limited per email and per address. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGIN_FAILURES_PER_ADDRESS } from '../domain/auth';
import { createTestApi, MemoryCookies, type TestApi } from '../test/fixtures';
import { SIGN_IN_LINKS_PER_ADDRESS, SIGN_IN_LINKS_PER_EMAIL } from './account';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi({ app: 'portal' });
});
afterAll(async () => api?.close());

/** A caller as an anonymous visitor from this address. */
const from = async (clientIp: string) => api.server.callerFor(await api.server.createContext({ cookies: new MemoryCookies(), clientIp }));

const mailsTo = async (email: string) => (await api.t.sql`select 1 from outbound_emails where to_address = ${email}`).length;

describe('account.requestLink', () => {
  it('sends at most 3 links to one mailbox per 15 minutes, then says when to retry', async () => {
    const order = await api.paidOrder();
    const email = order.customer.email;
    for (let i = 0; i < SIGN_IN_LINKS_PER_EMAIL; i++) await (await from(`198.51.100.${i + 1}`)).account.requestLink({ email });
    // Another address, the same mailbox, the email in other case: still refused.
    const refused = (await from('198.51.100.99')).account.requestLink({ email: email.toUpperCase() });
    await expect(refused).rejects.toMatchObject({
      code: 'TOO_MANY_REQUESTS',
      message: 'Too many sign-in links requested. Try again in 15 minutes.',
    });
    expect(await mailsTo(email)).toBe(SIGN_IN_LINKS_PER_EMAIL);

    const start = api.clock.now();
    try {
      api.clock.set(new Date(start.getTime() + 15 * 60 * 1000 + 1000));
      await (await from('198.51.100.99')).account.requestLink({ email });
      expect(await mailsTo(email)).toBe(SIGN_IN_LINKS_PER_EMAIL + 1);
    } finally {
      api.clock.set(start);
    }
  });

  it('lets one address ask for at most 10 links (any emails) per 15 minutes', async () => {
    const caller = await from('203.0.113.50');
    for (let i = 0; i < SIGN_IN_LINKS_PER_ADDRESS; i++) await caller.account.requestLink({ email: `spray${i}@example.com` });
    await expect(caller.account.requestLink({ email: 'spray-last@example.com' })).rejects.toMatchObject({
      code: 'TOO_MANY_REQUESTS',
      message: /Try again in \d+ minutes?\./,
    });
    // Someone else is not affected.
    await expect((await from('203.0.113.51')).account.requestLink({ email: 'spray-last@example.com' })).resolves.toEqual({ sent: true });
  });
});

describe('auth.login', () => {
  it('locks an address after 20 failed sign-ins across many emails, even for a right password', async () => {
    const pro = await api.pro();
    const caller = await from('192.0.2.77');
    for (let i = 0; i < LOGIN_FAILURES_PER_ADDRESS; i++) {
      await expect(caller.auth.login({ email: `guess${i}@pros.test`, password: 'wrong' })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    }
    await expect(caller.auth.login({ email: pro.email, password: 'correct horse battery' })).rejects.toMatchObject({
      code: 'TOO_MANY_REQUESTS',
      message: 'Too many failed sign-ins from your network. Try again in 15 minutes.',
    });
    // The pro, from their own address, signs in as usual.
    await expect((await from('192.0.2.78')).auth.login({ email: pro.email, password: 'correct horse battery' })).resolves.toMatchObject({
      user: { id: pro.userId },
    });
  });
});
