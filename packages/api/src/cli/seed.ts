import { createDb, runMigrations } from '@h2s/db';
import { cliDatabaseUrl } from '@h2s/db/embedded';
import { clockFromEnv } from '../domain/clock';
import { seedDemo } from '../seed';

const target = await cliDatabaseUrl();
const handle = createDb(target.url, { max: 1 });
try {
  await runMigrations(handle);
  const { created } = await seedDemo(handle.db, clockFromEnv().now(), process.env.CUSTOMER_ORIGIN);
  console.log(created.length ? `Seeded:\n  ${created.join('\n  ')}` : 'Seed data already present; nothing to add.');
} finally {
  await handle.close();
  await target.stop();
}
