import { createDb } from '../client';
import { cliDatabaseUrl } from '../embedded';
import { runMigrations } from '../migrate';

const target = await cliDatabaseUrl();
const handle = createDb(target.url, { max: 1, statementTimeoutMs: 0 });
try {
  await runMigrations(handle);
  console.log(`Migrations applied to ${target.url.replace(/\/\/[^@]*@/, '//')}`);
} finally {
  await handle.close();
  await target.stop();
}
