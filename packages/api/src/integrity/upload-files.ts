/** Invariant 5: every upload row has its stored file, with the recorded size and sha256. */
import { createHash } from 'node:crypto';
import { sql, type Database, type DbOrTx } from '@h2s/db';
import type { FileStore } from '../domain/storage';
import { rows, type Breach, type Row } from './report';

export interface UploadRow extends Record<string, unknown> {
  id: string;
  job_id: string;
  storage_key: string;
  file_size: number;
  sha256: string;
  job_exists: boolean;
}

const UPLOAD_PAGE = 1000;

/**
 * 5, from the snapshot: every upload row (keyset pages, so the query never sorts the whole table at
 * once), rows of jobs that do not exist, and the rows of one job sharing a sha256.
 */
export async function loadUploads(tx: DbOrTx): Promise<{ rows: UploadRow[]; found: Row[] }> {
  const all: UploadRow[] = [];
  const found: Row[] = [];
  let after = '';
  for (;;) {
    const page = await rows<UploadRow>(
      tx,
      sql`
        select u.id, u.job_id, u.storage_key, u.file_size, u.sha256, (j.id is not null) as job_exists
          from customer_uploads u
          left join dispatch_jobs j on j.id = u.job_id
         where u.id > ${after}
         order by u.id
         limit ${UPLOAD_PAGE}`,
    );
    if (!page.length) break;
    after = page[page.length - 1]!.id;
    for (const row of page) if (!row.job_exists) found.push({ id: row.id, reason: `upload for job ${row.job_id}, which does not exist` });
    all.push(...page);
  }
  const duplicates = await rows<{ job_id: string; sha256: string; ids: string[] }>(
    tx,
    sql`
      select job_id, sha256, array_agg(id order by created_at, id) as ids
        from customer_uploads
       group by job_id, sha256
      having count(*) > 1`,
  );
  for (const group of duplicates) {
    for (const id of group.ids) {
      const others = group.ids.filter((other) => other !== id).join(', ');
      found.push({ id, reason: `job ${group.job_id} has the same sha256 ${group.sha256.slice(0, 12)}… in ${others}` });
    }
  }
  return { rows: all, found };
}

export async function checkFile(storage: FileStore, row: Pick<UploadRow, 'id' | 'storage_key' | 'file_size' | 'sha256'>): Promise<Row[]> {
  let bytes: Uint8Array | null;
  try {
    bytes = await storage.get(row.storage_key);
  } catch (error) {
    return [{ id: row.id, reason: `stored file ${row.storage_key} cannot be read: ${(error as Error).message}` }];
  }
  if (!bytes) return [{ id: row.id, reason: `stored file ${row.storage_key} is missing` }];
  const out: Row[] = [];
  if (bytes.byteLength !== Number(row.file_size)) {
    out.push({ id: row.id, reason: `stored file has ${bytes.byteLength} bytes, the row records ${row.file_size}` });
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== row.sha256)
    out.push({ id: row.id, reason: `stored file hashes to ${sha256.slice(0, 12)}…, the row records ${row.sha256.slice(0, 12)}…` });
  return out;
}

/**
 * Files are read after the snapshot: an upload removed (row and file) in between would look like a
 * missing file. Rows reported broken are read again, as they are now, and checked again.
 */
export async function dropUploadsChangedSinceSnapshot(db: Database, storage: FileStore, breaches: Breach[]): Promise<Breach[]> {
  const fileBreaches = breaches.filter((b) => b.reason.includes('stored file'));
  if (!fileBreaches.length) return breaches;
  const ids = fileBreaches.map((b) => b.id);
  const current = await rows<UploadRow>(
    db,
    sql`select id, job_id, storage_key, file_size, sha256, true as job_exists from customer_uploads where id in ${sql`(${sql.join(
      ids.map((id) => sql`${id}`),
      sql`, `,
    )})`}`,
  );
  const still = new Map<string, Row[]>();
  for (const row of current) still.set(row.id, await checkFile(storage, row));
  return breaches.flatMap((breach) => {
    if (!breach.reason.includes('stored file')) return [breach];
    const recheck = still.get(breach.id);
    if (!recheck) return []; // Deleted since the snapshot: nothing left to be wrong.
    if (recheck.length) return [breach];
    // The file is fine now; keep only the reasons that were not about the file.
    const rest = breach.reason.split('; ').filter((reason) => !reason.includes('stored file'));
    return rest.length ? [{ id: breach.id, reason: rest.join('; ') }] : [];
  });
}
