import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { describe, expect, it } from 'vitest';
import { migrationsFolder } from './migrate';

describe('the same migrations on embedded PGlite', () => {
  it('apply cleanly and enforce the same constraints', async () => {
    const client = new PGlite({ extensions: { btree_gist } });
    const db = drizzle(client);
    await migrate(db, { migrationsFolder });
    const tables = await client.query<{ table_name: string }>(
      `select table_name from information_schema.tables where table_schema = 'public' order by 1`,
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining(['orders', 'dispatch_jobs', 'job_assignments', 'customer_uploads', 'stripe_events', 'job_events']),
    );
    await client.exec(`insert into stripe_events (id, type) values ('evt_1', 't')`);
    await expect(client.exec(`insert into stripe_events (id, type) values ('evt_1', 't')`)).rejects.toThrow(/duplicate key/);
    // The exclusion constraint (btree_gist) holds here too: one pro, two overlapping live windows.
    await client.exec(`insert into users (id, role, email, name, password_hash) values ('USR-AAAAAAAAAA', 'pro', 'p@x.test', 'P', 'h')`);
    await client.exec(`insert into pros (user_id, postal_code, city, state, lat, lng, timezone, service_radius_miles) values ('USR-AAAAAAAAAA', '60601', 'Chicago', 'IL', 41.88, -87.62, 'America/Chicago', 10)`);
    for (const [order, job] of [['ORD-AAAAAAAA', 'JOB-AAAAAAAA'], ['ORD-BBBBBBBB', 'JOB-BBBBBBBB']]) {
      await client.exec(`insert into orders (id, stripe_session_id, customer_user_id, customer_name, customer_email, customer_phone, address_line1, city, state, postal_code, lat, lng, timezone, items, amount_total_cents)
                         values ('${order}', 'cs_${order}', 'USR-AAAAAAAAAA', 'C', 'c@x.test', '3125550100', '1 St', 'Chicago', 'IL', '60601', 41.88, -87.62, 'America/Chicago', '[{"sku":"x"}]', 100)`);
      await client.exec(`insert into dispatch_jobs (id, order_id, job_details, lat, lng, timezone, city, state, postal_code) values ('${job}', '${order}', 'd', 41.88, -87.62, 'America/Chicago', 'Chicago', 'IL', '60601')`);
    }
    await client.exec(`insert into job_assignments (id, job_id, pro_id, state, window_range) values ('ASG-AAAAAAAAAA', 'JOB-AAAAAAAA', 'USR-AAAAAAAAAA', 'accepted', '[2026-01-15 18:00Z, 2026-01-15 21:00Z)')`);
    await expect(
      client.exec(`insert into job_assignments (id, job_id, pro_id, state, window_range) values ('ASG-BBBBBBBBBB', 'JOB-BBBBBBBB', 'USR-AAAAAAAAAA', 'accepted', '[2026-01-15 20:00Z, 2026-01-15 23:00Z)')`),
    ).rejects.toThrow(/job_assignments_pro_window_excl/);
    await client.close();
  }, 60_000);
});
