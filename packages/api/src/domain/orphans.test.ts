import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyPng } from '../test/images';
import { createTestApi, type TestApi } from '../test/fixtures';
import { ORPHAN_GRACE_MS, sweepOrphanFiles } from './orphans';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(async () => api?.close());

const png = tinyPng([9, 9, 9]);

function storeFile(key: string, ageMs: number) {
  const path = join(api.uploadDir, key);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, png);
  const at = new Date(Date.now() - ageMs);
  utimesSync(path, at, at);
  return path;
}

describe('sweepOrphanFiles (pnpm integrity)', () => {
  it('removes and lists old files no upload row points at; keeps recorded photos and files still being recorded', async () => {
    const { sessionId, jobId, customer } = await api.paidOrder();
    const form = new FormData();
    form.set('sessionId', sessionId);
    form.set('file', new File([png], 'kept.png', { type: 'image/png' }));
    const { upload } = await (await api.caller(customer)).uploads.create(form);
    const [row] = await api.t.sql<{ storage_key: string }[]>`select storage_key from customer_uploads where id = ${upload.uploadId}`;
    const kept = join(api.uploadDir, row!.storage_key);
    utimesSync(kept, new Date(Date.now() - 2 * ORPHAN_GRACE_MS), new Date(Date.now() - 2 * ORPHAN_GRACE_MS));

    // A process died after storing this photo and before recording it.
    const orphanKey = `customer-uploads/${jobId}/${'a'.repeat(64)}-UPL-AAAAAAAAAA.png`;
    const orphan = storeFile(orphanKey, 2 * ORPHAN_GRACE_MS);
    // Stored a moment ago: its row may be being written right now.
    const fresh = storeFile(`customer-uploads/${jobId}/${'b'.repeat(64)}-UPL-BBBBBBBBBB.png`, 1000);

    const result = await sweepOrphanFiles(api.t.db, api.server.deps.storage, new Date());
    expect(result?.swept).toEqual([orphanKey]);
    expect(existsSync(orphan)).toBe(false);
    expect(existsSync(kept)).toBe(true);
    expect(existsSync(fresh)).toBe(true);
  });
});
