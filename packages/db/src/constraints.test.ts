import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { pgErrorOf } from './errors';
import { createTestDatabase, type TestDatabase } from './testing';

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase({ max: 2 });
  await t.sql`insert into users (id, role, email, name, password_hash) values
    ('USR-CUST', 'customer', 'c@example.com', 'Casey', null),
    ('USR-PRO1', 'pro', 'p1@example.com', 'Pat', 'x'),
    ('USR-PRO2', 'pro', 'p2@example.com', 'Sam', 'x')`;
  await t.sql`insert into pros (user_id, postal_code, city, state, lat, lng, timezone, service_radius_miles) values
    ('USR-PRO1', '60601', 'Chicago', 'IL', 41.88, -87.61, 'America/Chicago', 50),
    ('USR-PRO2', '60601', 'Chicago', 'IL', 41.88, -87.61, 'America/Chicago', 50)`;
  await t.sql`insert into orders (id, stripe_session_id, customer_user_id, customer_name, customer_email, customer_phone,
      address_line1, city, state, postal_code, lat, lng, timezone, items, amount_total_cents, payment_status, paid_at)
    values ('ORD-AAAAAAAA', 'cs_1', 'USR-CUST', 'Casey', 'c@example.com', '555', '1 Main', 'Chicago', 'IL', '60601',
      41.88, -87.61, 'America/Chicago', '[{"sku":"x"}]', 1000, 'paid', now())`;
  await t.sql`insert into dispatch_jobs (id, order_id, job_details, lat, lng, timezone, city, state, postal_code)
    values ('JOB-AAAAAAAA', 'ORD-AAAAAAAA', 'Mount a TV', 41.88, -87.61, 'America/Chicago', 'Chicago', 'IL', '60601')`;
});

afterAll(async () => {
  await t?.drop();
});

/** The constraint a statement broke, by name, or null when it succeeded. */
async function refusal(run: () => Promise<unknown>): Promise<string | null> {
  try {
    await run();
    return null;
  } catch (error) {
    const pg = pgErrorOf(error);
    return pg?.constraint_name ?? pg?.message ?? String(error);
  }
}

describe('the database refuses broken invariants', () => {
  it('refuses a second accepted assignment for one job', async () => {
    await t.sql`insert into job_assignments (id, job_id, pro_id, state) values ('ASG-1', 'JOB-AAAAAAAA', 'USR-PRO1', 'accepted')`;
    const broke = await refusal(
      () => t.sql`insert into job_assignments (id, job_id, pro_id, state) values ('ASG-2', 'JOB-AAAAAAAA', 'USR-PRO2', 'accepted')`,
    );
    expect(broke).toBe('job_assignments_one_accepted_idx');
  });

  it('refuses an empty or blank job_details, Unicode spaces included', async () => {
    expect(await refusal(() => t.sql`update dispatch_jobs set job_details = '   ' where id = 'JOB-AAAAAAAA'`)).toBe(
      'dispatch_jobs_job_details_check',
    );
    expect(await refusal(() => t.sql`update dispatch_jobs set job_details = ${'\u200b\u00a0\n'} where id = 'JOB-AAAAAAAA'`)).toBe(
      'dispatch_jobs_job_details_check',
    );
    expect(await refusal(() => t.sql`update dispatch_jobs set job_details = null where id = 'JOB-AAAAAAAA'`)).toMatch(/null value/);
  });

  it('refuses a job without an order, and a second job for one order', async () => {
    const insert = (id: string, orderId: string | null) =>
      t.sql`insert into dispatch_jobs (id, order_id, job_details, lat, lng, timezone, city, state, postal_code)
        values (${id}, ${orderId}, 'x', 0, 0, 'UTC', 'c', 's', '00000')`;
    expect(await refusal(() => insert('JOB-BBBBBBBB', null))).toMatch(/null value in column "order_id"/);
    expect(await refusal(() => insert('JOB-BBBBBBBB', 'ORD-NOTTHERE'))).toBe('dispatch_jobs_order_id_orders_id_fk');
    expect(await refusal(() => insert('JOB-BBBBBBBB', 'ORD-AAAAAAAA'))).toBe('dispatch_jobs_order_id_key');
  });

  it('refuses a duplicate upload hash within one job', async () => {
    const hash = 'a'.repeat(64);
    const insert = (id: string) =>
      t.sql`insert into customer_uploads (id, job_id, storage_key, url, file_size, mime_type, original_filename, sha256, uploaded_by)
        values (${id}, 'JOB-AAAAAAAA', ${'k/' + id}, 'u', 10, 'image/png', 'a.png', ${hash}, 'USR-CUST')`;
    await insert('UPL-1');
    expect(await refusal(() => insert('UPL-2'))).toBe('customer_uploads_job_sha256_key');
  });

  it('refuses a thirteenth photo for a job', async () => {
    const before = Number((await t.sql`select count(*) from customer_uploads where job_id = 'JOB-AAAAAAAA'`)[0]!.count);
    for (let i = before; i < 12; i++) {
      await t.sql`insert into customer_uploads (id, job_id, storage_key, url, file_size, mime_type, original_filename, sha256, uploaded_by)
        values (${'UPL-N' + i}, 'JOB-AAAAAAAA', ${'n/' + i}, 'u', 10, 'image/png', 'a.png', ${i.toString(16).padStart(64, '0')}, 'USR-CUST')`;
    }
    const broke = await refusal(
      () => t.sql`insert into customer_uploads (id, job_id, storage_key, url, file_size, mime_type, original_filename, sha256, uploaded_by)
        values ('UPL-13', 'JOB-AAAAAAAA', 'n/13', 'u', 10, 'image/png', 'a.png', ${'f'.repeat(64)}, 'USR-CUST')`,
    );
    expect(broke).toBe('customer_uploads_per_job_limit');
  });

  it('refuses a replayed Stripe event id', async () => {
    await t.sql`insert into stripe_events (id, type) values ('evt_1', 'checkout.session.completed')`;
    expect(await refusal(() => t.sql`insert into stripe_events (id, type) values ('evt_1', 'checkout.session.completed')`)).toBe(
      'stripe_events_pkey',
    );
  });

  it('keeps job_events append-only', async () => {
    await t.sql`insert into job_events (job_id, actor_role, type) values ('JOB-AAAAAAAA', 'system', 'created')`;
    expect(await refusal(() => t.sql`update job_events set type = 'completed'`)).toMatch(/append-only/);
    expect(await refusal(() => t.sql`delete from job_events`)).toMatch(/append-only/);
  });

  it('refuses a second account for the same email in another case', async () => {
    expect(await refusal(() => t.sql`insert into users (id, role, email, name) values ('USR-X', 'customer', 'C@Example.com', 'X')`)).toBe(
      'users_email_lower_key',
    );
  });

  it('refuses a scheduled job without a due time and an accepted job without a pro', async () => {
    expect(await refusal(() => t.db.execute(sql`update dispatch_jobs set status = 'scheduled' where id = 'JOB-AAAAAAAA'`))).toMatch(
      /dispatch_jobs_scheduled_due_check/,
    );
    expect(await refusal(() => t.sql`update dispatch_jobs set status = 'accepted' where id = 'JOB-AAAAAAAA'`)).toBe(
      'dispatch_jobs_assignment_check',
    );
  });
});
