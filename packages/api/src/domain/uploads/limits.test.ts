/** uploads.create under pressure: the per-job limit and its races, no I/O under locks, who may upload. */
import { describe, expect, it } from 'vitest';
import { type Viewer } from '../auth';
import type { FileStore } from '../storage';
import { createUpload, removeUpload, UPLOAD_LIMIT_MESSAGE, type UploadView } from '.';
import { api, filesUnder, form, jobDir, photo, png, rejection, rowCount, servedSha, sha256, upload, useTestApi } from './test-support';

useTestApi();

describe('uploads.create: limits, races, locks and who may upload', () => {
  it('holds a job to 12 photos, also when uploads race for the last places', async () => {
    const { sessionId, jobId, customer } = await api.paidOrder();
    const stored: UploadView[] = [];
    for (let i = 0; i < 10; i++) stored.push((await upload(customer, sessionId, photo(png([i, 100, 200])))).upload);

    const racing = await Promise.allSettled(Array.from({ length: 4 }, (_, i) => upload(customer, sessionId, photo(png([i, 150, 250])))));
    const refused = racing.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(racing.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    expect(refused).toHaveLength(2);
    for (const r of refused) expect(r.reason).toMatchObject({ code: 'CONFLICT', message: UPLOAD_LIMIT_MESSAGE });
    expect(await rowCount(jobId)).toBe(12);
    // The refused uploads wrote their files first; they must be gone again.
    expect(filesUnder(jobDir(jobId))).toHaveLength(12);

    const thirteenth = await rejection(upload(customer, sessionId, photo(png([255, 255, 255]))));
    expect(thirteenth.code).toBe('CONFLICT');
    expect(thirteenth.message).toBe('This job already has 12 photos');
    expect(filesUnder(jobDir(jobId))).toHaveLength(12);

    // Sending one of the twelve again is not a 13th photo.
    const again = await upload(customer, sessionId, photo(png([0, 100, 200])));
    expect(again).toMatchObject({ duplicate: true, upload: { uploadId: stored[0]!.uploadId } });
  });

  it('maps the per-job trigger to CONFLICT and removes the file when the job fills up mid-upload', async () => {
    const { sessionId, jobId, customer } = await api.paidOrder();
    for (let i = 0; i < 11; i++) await upload(customer, sessionId, photo(png([i, 1, 1])));
    const late = png([77, 1, 1]);
    let filled = false;
    // While the late photo's bytes are being written, another one takes the 12th place, after the
    // early count said there was room: only the trigger can refuse it now.
    const racingStore: FileStore = {
      ...api.server.deps.storage,
      async put(key, bytes, contentType) {
        if (!filled) {
          filled = true;
          await upload(customer, sessionId, photo(png([78, 1, 1])));
        }
        return api.server.deps.storage.put(key, bytes, contentType);
      },
    };
    const error = await rejection(
      createUpload({ ...api.server.deps, storage: racingStore }, { sessionId, file: photo(late), viewer: customer }),
    );

    expect(filled).toBe(true);
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toBe(UPLOAD_LIMIT_MESSAGE);
    expect(await rowCount(jobId)).toBe(12);
    expect(filesUnder(jobDir(jobId))).not.toContain(`${sha256(late)}.png`);
    expect(filesUnder(jobDir(jobId))).toHaveLength(12);
  });

  it('never leaves a photo without its file when it is removed while the same bytes are uploaded again', async () => {
    const { sessionId, jobId, customer } = await api.paidOrder();
    const bytes = png([200, 100, 7]);
    const real = api.server.deps.storage;
    const first = (await upload(customer, sessionId, photo(bytes))).upload;

    // The removal commits, then its file deletion waits until the new upload has stored its bytes.
    let removalCommitted!: () => void;
    const committed = new Promise<void>((r) => (removalCommitted = r));
    let secondStored!: () => void;
    const stored = new Promise<void>((r) => (secondStored = r));
    const slowRemover: FileStore = {
      ...real,
      async remove(key) {
        removalCommitted();
        await stored;
        await real.remove(key);
      },
    };
    const signalingStore: FileStore = {
      ...real,
      async put(key, data, contentType) {
        const result = await real.put(key, data, contentType);
        secondStored();
        return result;
      },
    };
    const removal = removeUpload({ ...api.server.deps, storage: slowRemover }, first.uploadId, customer);
    await committed;
    const second = await createUpload({ ...api.server.deps, storage: signalingStore }, { sessionId, file: photo(bytes), viewer: customer });
    await removal;

    expect(second.duplicate).toBe(false);
    expect(second.upload.uploadId).not.toBe(first.uploadId);
    expect(filesUnder(jobDir(jobId))).toEqual([`${sha256(bytes)}.png`]);
    expect(await servedSha(second.upload.url)).toBe(sha256(bytes));
  });

  it('writes and deletes files with no transaction, row lock or advisory lock held', async () => {
    const { sessionId, jobId, customer } = await api.paidOrder();
    const real = api.server.deps.storage;
    const observed: string[] = [];
    // While the file moves, another connection can lock the job row at once and sees no open
    // transaction or advisory lock from this app: a slow disk or network never blocks the job.
    const probe = async (what: string) => {
      const [row] = await api.t.sql.begin(async (tx) => [
        ...(await tx`select (select count(*)::int from (select id from dispatch_jobs where id = ${jobId} for update nowait) j) as locked,
                            (select count(*)::int from pg_locks where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())) as advisory,
                            (select count(*)::int from pg_stat_activity where datname = current_database() and state like 'idle in transaction%') as idle_in_tx`),
      ]);
      observed.push(`${what}: ${JSON.stringify(row)}`);
    };
    const watching: FileStore = {
      ...real,
      async put(key, data, contentType) {
        await probe(key.startsWith('customer-thumbnails/') ? 'put thumbnail' : 'put');
        return real.put(key, data, contentType);
      },
      async remove(key) {
        await probe(key.startsWith('customer-thumbnails/') ? 'remove thumbnail' : 'remove');
        return real.remove(key);
      },
    };
    const deps = { ...api.server.deps, storage: watching };
    const { upload: stored } = await createUpload(deps, { sessionId, file: photo(png([9, 8, 7])), viewer: customer });
    await removeUpload(deps, stored.uploadId, customer);
    const free = '{"locked":1,"advisory":0,"idle_in_tx":0}';
    expect(observed).toEqual([`put: ${free}`, `put thumbnail: ${free}`, `remove: ${free}`, `remove thumbnail: ${free}`]);
  });

  it('refuses uploads to an unpaid order, an unknown session and another customer’s order', async () => {
    const owner = await api.paidOrder();
    const other = await api.paidOrder();
    const bytes = png([3, 1, 4]);

    const notYours = await rejection(upload(other.customer, owner.sessionId, photo(bytes)));
    expect(notYours.code).toBe('FORBIDDEN');
    expect(await rowCount(owner.jobId)).toBe(0);
    expect(filesUnder(jobDir(owner.jobId))).toEqual([]);

    const unknown = await rejection(upload(owner.customer, 'cs_test_does_not_exist_at_all', photo(bytes)));
    expect(unknown.code).toBe('NOT_FOUND');

    const pending = await (
      await api.caller(null)
    ).checkout.create({
      items: [{ sku: 'tv-mount-standard', quantity: 1 }],
      customer: { name: 'Pat Pending', email: `pat+${Date.now()}@example.com`, phone: '312-555-0100' },
      serviceAddress: { line1: '1 Main St', city: 'Chicago', state: 'IL', postalCode: '60601' },
    });
    const [pendingRow] = await api.t.sql<
      { customer: string }[]
    >`select customer_user_id as customer from orders where id = ${pending.orderId}`;
    const pendingCustomer: Viewer = { userId: pendingRow!.customer, role: 'customer', name: 'Pat Pending', email: 'pat@example.com' };
    const unpaid = await rejection(upload(pendingCustomer, pending.sessionId, photo(bytes)));
    expect(unpaid.code).toBe('CONFLICT');

    const pro = await api.pro();
    const asPro = await rejection((await api.caller(pro)).uploads.create(form(owner.sessionId, photo(bytes))));
    expect(asPro.code).toBe('FORBIDDEN');
  });
});
