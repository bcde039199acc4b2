/**
 * `pnpm integrity [--json]`: audits DATABASE_URL (or the embedded database of `pnpm dev`) and the
 * file store (UPLOAD_DIR, or UploadThing with UPLOADTHING_TOKEN) against the contract's invariants.
 * Exit 0: every invariant holds. Exit 1: at least one breach. Exit 2: the audit could not run.
 */
import { isAbsolute, resolve } from 'node:path';
import { createDb } from '@h2s/db';
import { cliDatabaseUrl } from '@h2s/db/embedded';
import { sweepOrphanFiles } from '../domain/orphans';
import { storageFromEnv } from '../domain/storage-env';
import { auditIntegrity, formatReport } from '../integrity';

const root = new URL('../../../../', import.meta.url).pathname;
const json = process.argv.includes('--json');

/**
 * `pnpm integrity` runs in packages/api, but `pnpm dev` keeps files in the repository's .data/uploads
 * and a relative UPLOAD_DIR is meant from where the command was typed (pnpm's INIT_CWD).
 */
function uploadDir(): string {
  const dir = process.env.UPLOAD_DIR;
  if (!dir) return `${root}.data/uploads`;
  return isAbsolute(dir) ? dir : resolve(process.env.INIT_CWD ?? process.cwd(), dir);
}

/** Where we looked, for the header; the password never reaches the terminal. */
function describeTarget(url: string, storage: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return `${parsed.toString()} and ${storage}`;
  } catch {
    return `the configured database and ${storage}`;
  }
}

let exitCode = 2;
const target = await cliDatabaseUrl().catch((error: unknown) => {
  console.error(`integrity: cannot open the database: ${(error as Error).message}`);
  process.exit(2);
});
// An audit reads whole tables; an app's statement timeout is not for it.
const handle = createDb(target.url, { max: 1, statementTimeoutMs: 0 });
try {
  const env = { ...process.env, UPLOAD_DIR: uploadDir() };
  const storage = storageFromEnv(env);
  const [tables] = await handle.sql<{ present: boolean }[]>`select to_regclass('public.dispatch_jobs') is not null as present`;
  if (!tables?.present) throw new Error('the database has no schema yet; run `pnpm db:migrate` first');
  const report = await auditIntegrity({ db: handle.db, storage });
  // Files no row points at (a crash between storing a photo and recording it): removed and listed.
  const orphans = await sweepOrphanFiles(handle.db, storage, new Date());
  const where = describeTarget(target.url, storage.kind === 'local' ? `files in ${env.UPLOAD_DIR}` : 'UploadThing');
  if (json) {
    console.log(JSON.stringify({ target: where, ...report, orphanFiles: orphans }, null, 2));
  } else {
    console.log(formatReport(report, { target: where }));
    if (!orphans) console.log('Orphan files: not checked (this store cannot list its files).');
    else if (!orphans.swept.length) console.log(`Orphan files: none among ${orphans.checked} stored files.`);
    else
      console.log(
        `Orphan files: swept ${orphans.swept.length} stored files that no upload row points at:\n${orphans.swept.map((k) => `  ${k}`).join('\n')}`,
      );
  }
  exitCode = report.ok ? 0 : 1;
} catch (error) {
  console.error(`integrity: the audit could not run: ${(error as Error).message}`);
  exitCode = 2;
} finally {
  await handle.close();
  await target.stop();
}
process.exit(exitCode);
