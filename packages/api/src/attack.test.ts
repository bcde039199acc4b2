/** Hostile input in every text field: refused with a clear error, or stored as inert text; never executed. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, sampleCheckout, type TestApi } from './test/fixtures';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(async () => api?.close());

const INJECTIONS = ["'; drop table orders; --", "' or '1'='1", '"; select pg_sleep(5); --', '\\x00', '${7*7}', '<script>alert(1)</script>'];

const tableCount = async () => {
  const [row] = await api.t.sql`select count(*)::int as n from information_schema.tables where table_schema = 'public'`;
  return row!.n as number;
};

describe('SQL injection and oversized strings', () => {
  it('checkout text fields keep injection strings as plain text', async () => {
    const tables = await tableCount();
    for (const payload of INJECTIONS.filter((p) => p !== '\\x00')) {
      const order = await (
        await api.caller(null)
      ).checkout.create(
        sampleCheckout({
          customer: { name: `Eve ${payload}`, email: 'eve@example.com', phone: '312-555-0142' },
          serviceAddress: { line1: `1 ${payload} St`, line2: payload, city: `Chicago ${payload}`, state: 'IL', postalCode: '60601' },
          notes: payload,
        }),
      );
      const [row] = await api.t.sql`select customer_name, address_line1, notes from orders where id = ${order.orderId}`;
      expect(row).toEqual({ customer_name: `Eve ${payload}`, address_line1: `1 ${payload} St`, notes: payload });
    }
    expect(await tableCount()).toBe(tables);
  });

  it('refuses control characters and oversized strings in every checkout field, naming it, storing nothing', async () => {
    const anon = await api.caller(null);
    const huge = 'A'.repeat(100_000);
    const cases: [Parameters<typeof sampleCheckout>[0], string][] = [
      [{ customer: { name: huge, email: 'a@example.com', phone: '312-555-0142' } }, 'customer.name'],
      [{ customer: { name: 'Ann\u0000', email: 'a@example.com', phone: '312-555-0142' } }, 'customer.name'],
      [{ customer: { name: 'Ann', email: `${huge}@example.com`, phone: '312-555-0142' } }, 'customer.email'],
      [{ customer: { name: 'Ann', email: 'a@example.com', phone: huge } }, 'customer.phone'],
      [{ serviceAddress: { line1: '1 Main', line2: huge, city: 'Chicago', state: 'IL', postalCode: '60601' } }, 'serviceAddress.line2'],
      [{ serviceAddress: { line1: '1 Main', city: huge, state: 'IL', postalCode: '60601' } }, 'serviceAddress.city'],
      [{ serviceAddress: { line1: '1 Main', city: 'Chicago', state: "IL' or 1=1", postalCode: '60601' } }, 'serviceAddress.state'],
      [{ serviceAddress: { line1: '1 Main', city: 'Chicago', state: 'IL', postalCode: "60601' --" } }, 'serviceAddress.postalCode'],
      [{ notes: huge }, 'notes'],
      [{ items: [{ sku: "x'; drop table bundles; --", quantity: 1 }] }, 'items.0.sku'],
    ];
    const before = await api.t.sql`select count(*)::int as n from orders`;
    for (const [overrides, field] of cases) {
      const error = await anon.checkout.create(sampleCheckout(overrides)).catch((e: unknown) => e);
      expect(error, field).toMatchObject({ code: 'BAD_REQUEST' });
      expect(
        JSON.stringify((error as { cause?: { issues?: { path: unknown[] }[] } }).cause?.issues?.map((i) => i.path.join('.'))),
        field,
      ).toContain(field);
    }
    expect(await api.t.sql`select count(*)::int as n from orders`).toEqual(before);
  });

  it('sign-in, session ids and ids refuse injection without touching data', async () => {
    const anon = await api.caller(null);
    for (const payload of INJECTIONS) {
      await expect(anon.auth.login({ email: payload, password: payload })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
      await expect(anon.orders.bySession({ sessionId: `cs_${payload}` })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    }
    await expect(anon.orders.bySession({ sessionId: 'x'.repeat(10_000) })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(anon.auth.login({ email: 'a@b.c', password: 'p'.repeat(10_000) })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const admin = await api.caller(await api.admin());
    await expect(admin.admin.assign({ jobId: "JOB-AAAAAAAA' or 1=1 --", proId: 'USR-AAAAAAAAAA' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await expect(admin.admin.board({ date: "2026-01-01'; drop table orders; --" })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const [row] = await api.t.sql`select count(*)::int as n from users where email = ${INJECTIONS[0]!}`;
    expect(row!.n).toBe(0);
  });
});
