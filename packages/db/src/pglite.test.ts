import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { describe, expect, it } from 'vitest';
import { migrationsFolder } from './migrate';

describe('the same migrations on embedded PGlite', () => {
  it('apply cleanly and enforce the same constraints', async () => {
    const client = new PGlite();
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
    await client.close();
  }, 60_000);
});
