/** Issue 20, item 6: checkout.create does not tell anyone which emails belong to pros and admins. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, sampleCheckout, type TestApi } from '../test/fixtures';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(async () => api?.close());

describe('checkout.create with a staff member email', () => {
  it('answers exactly as for an unknown address, and the order belongs to no staff account', async () => {
    const pro = await api.pro();
    const anon = await api.caller(null);
    const unknown = await anon.checkout.create(
      sampleCheckout({ customer: { name: 'Una Known', email: 'una@example.com', phone: '312-555-0100' } }),
    );
    const staff = await anon.checkout.create(sampleCheckout({ customer: { name: 'Pat Pro', email: pro.email, phone: '312-555-0100' } }));
    expect(Object.keys(staff).sort()).toEqual(Object.keys(unknown).sort());
    expect(staff.orderId).toMatch(/^ORD-/);
    const [order] = await api.t
      .sql`select o.customer_email, u.role from orders o join users u on u.id = o.customer_user_id where o.id = ${staff.orderId}`;
    expect(order).toEqual({ customer_email: pro.email, role: 'customer' });
  });
});
