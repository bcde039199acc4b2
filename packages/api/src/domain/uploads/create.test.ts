/** uploads.create and uploads.list: magic bytes, dedupe, per-job limit, thumbnails, after photos. */
import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAX_UPLOAD_BYTES } from '@h2s/db';
import { type Viewer } from '../auth';
import type { FileStore } from '../storage';
import { createUpload, removeUpload, UPLOAD_LIMIT_MESSAGE, type UploadView } from '.';
import {
  api,
  eventTypes,
  fieldPaths,
  filesUnder,
  form,
  jobDir,
  jpeg,
  photo,
  png,
  pngChunk,
  rejection,
  rowCount,
  serve,
  servedSha,
  sha256,
  upload,
  useTestApi,
} from './test-support';

useTestApi();

describe('uploads.create and uploads.list', () => {
  it('stores a real PNG and JPEG under hash keys and serves them back byte for byte, oldest first', async () => {
    const { sessionId, jobId, customer } = await api.paidOrder();
    const pngBytes = png([200, 30, 40]);
    const jpegBytes = jpeg();

    const first = await upload(customer, sessionId, photo(pngBytes, 'living room.png'));
    const second = await upload(customer, sessionId, photo(jpegBytes, 'wall.jpeg', 'image/jpeg'));

    expect(first).toMatchObject({
      duplicate: false,
      upload: { jobId, mimeType: 'image/png', fileSize: pngBytes.length, sha256: sha256(pngBytes), originalFilename: 'living room.png' },
    });
    expect(second).toMatchObject({
      duplicate: false,
      upload: { jobId, mimeType: 'image/jpeg', fileSize: jpegBytes.length, sha256: sha256(jpegBytes), originalFilename: 'wall.jpeg' },
    });
    expect(first.upload.url).toMatch(/^\/api\/uploads\/UPL-[A-Z2-7]{10}\?exp=\d+&sig=[0-9a-f]{64}$/);
    expect(new Date(first.upload.createdAt).toISOString()).toBe(first.upload.createdAt);

    expect(filesUnder(jobDir(jobId))).toEqual([`${sha256(jpegBytes)}.jpg`, `${sha256(pngBytes)}.png`].sort());
    expect(await eventTypes(jobId)).toEqual(['photo_added', 'photo_added']);

    const listed = await (await api.caller(customer)).uploads.list({ jobId });
    expect(listed.count).toBe(2);
    expect(listed.uploads.map((u) => u.uploadId)).toEqual([first.upload.uploadId, second.upload.uploadId]);
    expect(await servedSha(listed.uploads[0]!.url)).toBe(sha256(pngBytes));
    expect(await servedSha(listed.uploads[1]!.url)).toBe(sha256(jpegBytes));

    const response = await serve(listed.uploads[1]!.url);
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    expect(response.headers.get('content-length')).toBe(String(jpegBytes.length));
    expect(response.headers.get('cache-control')).toBe('private, max-age=3600');
    expect(response.headers.get('content-disposition')).toMatch(/^inline; filename="wall\.jpg"/);
    const head = await serve(listed.uploads[0]!.url, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('image/png');
  });

  it('returns the existing upload for the same bytes again, keeping one row and one file', async () => {
    const { sessionId, jobId, customer } = await api.paidOrder();
    const bytes = png([1, 2, 3]);
    const first = await upload(customer, sessionId, photo(bytes, 'a.png'));
    const again = await upload(customer, sessionId, photo(bytes, 'renamed copy.png'));

    expect(again.duplicate).toBe(true);
    expect(again.upload).toMatchObject({ uploadId: first.upload.uploadId, originalFilename: 'a.png', sha256: sha256(bytes) });
    expect(await rowCount(jobId)).toBe(1);
    expect(filesUnder(jobDir(jobId))).toEqual([`${sha256(bytes)}.png`]);
    expect(await eventTypes(jobId)).toEqual(['photo_added']);
  });

  it('settles simultaneous uploads of the same bytes on one row, every caller getting it', async () => {
    const { sessionId, jobId, customer } = await api.paidOrder();
    const bytes = png([9, 9, 9]);
    const results = await Promise.all(Array.from({ length: 4 }, () => upload(customer, sessionId, photo(bytes))));

    expect(new Set(results.map((r) => r.upload.uploadId)).size).toBe(1);
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(await rowCount(jobId)).toBe(1);
    // The losers' cleanup must not take the winner's file with it.
    expect(filesUnder(jobDir(jobId))).toEqual([`${sha256(bytes)}.png`]);
    expect(await servedSha(results[0]!.upload.url)).toBe(sha256(bytes));
  });

  it('refuses a file over 10 MB with PAYLOAD_TOO_LARGE and stores nothing', async () => {
    const { sessionId, jobId, customer } = await api.paidOrder();
    // A PNG signature in front: the size check alone must refuse it.
    const big = new Uint8Array(MAX_UPLOAD_BYTES + 1);
    big.set(png([0, 0, 0]));
    const error = await rejection(upload(customer, sessionId, photo(big, 'huge.png')));

    expect(error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await rowCount(jobId)).toBe(0);
    expect(filesUnder(jobDir(jobId))).toEqual([]);
  });

  it('accepts a file of exactly 10 MB', async () => {
    const { sessionId, jobId, customer } = await api.paidOrder();
    const exact = new Uint8Array(MAX_UPLOAD_BYTES);
    exact.set(png([0, 0, 1]));
    const result = await upload(customer, sessionId, photo(exact, 'exact.png'));

    expect(result.upload.fileSize).toBe(MAX_UPLOAD_BYTES);
    expect(await rowCount(jobId)).toBe(1);
    rmSync(jobDir(jobId), { recursive: true, force: true });
  });

  it('refuses an empty file and a text file dressed up as a JPEG, naming the file field, storing nothing', async () => {
    const { sessionId, jobId, customer } = await api.paidOrder();
    const text = new TextEncoder().encode('Not a photo. Just some text pretending to be one.\n');
    const error = await rejection(upload(customer, sessionId, photo(text, 'photo.jpg', 'image/jpeg')));

    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toBe('This file is not a JPEG, PNG, WebP or HEIC image');
    expect(fieldPaths(error)).toEqual([['file']]);

    const empty = await rejection(upload(customer, sessionId, photo(new Uint8Array(), 'empty.png')));
    expect(empty.code).toBe('BAD_REQUEST');
    expect(fieldPaths(empty)).toEqual([['file']]);

    expect(await rowCount(jobId)).toBe(0);
    expect(filesUnder(jobDir(jobId))).toEqual([]);
  });

  it('names the missing form field', async () => {
    const { sessionId, customer } = await api.paidOrder();
    const caller = await api.caller(customer);

    const noFile = await rejection(caller.uploads.create(form(sessionId, null)));
    expect(noFile.code).toBe('BAD_REQUEST');
    expect(fieldPaths(noFile)).toEqual([['file']]);

    const noSession = await rejection(caller.uploads.create(form(null, photo(png([5, 5, 5])))));
    expect(noSession.code).toBe('BAD_REQUEST');
    expect(fieldPaths(noSession)).toEqual([['sessionId']]);

    // A text value under "file" is not a file.
    const textFile = new FormData();
    textFile.set('sessionId', sessionId);
    textFile.set('file', 'photo.png');
    const notAFile = await rejection(caller.uploads.create(textFile));
    expect(fieldPaths(notAFile)).toEqual([['file']]);
  });

  it('stores a PNG with a script chunk, sent as x.jpg, as image/png under a .png key, served inert', async () => {
    const { sessionId, jobId, customer } = await api.paidOrder();
    const script = Buffer.from('Comment\0<script>alert(document.cookie)</script>', 'latin1');
    const bytes = png([10, 10, 10], [pngChunk('tEXt', script)]);
    const { upload: stored } = await upload(customer, sessionId, photo(bytes, 'x.jpg', 'image/jpeg'));

    expect(stored.mimeType).toBe('image/png');
    expect(stored.originalFilename).toBe('x.jpg');
    expect(filesUnder(jobDir(jobId))).toEqual([`${sha256(bytes)}.png`]);

    const response = await serve(stored.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    // A saved copy gets the extension of what it really is.
    expect(response.headers.get('content-disposition')).toMatch(/^inline; filename="x\.png"/);
    expect(sha256(new Uint8Array(await response.arrayBuffer()))).toBe(sha256(bytes));
  });

  it('never lets the file name reach the path', async () => {
    const { sessionId, jobId, customer } = await api.paidOrder();
    const bytes = png([66, 66, 66]);
    const { upload: stored } = await upload(customer, sessionId, photo(bytes, '../../etc/passwd.png'));

    expect(stored.originalFilename).toBe('passwd.png');
    const [row] = await api.t.sql<{ storage_key: string }[]>`select storage_key from customer_uploads where id = ${stored.uploadId}`;
    expect(row?.storage_key).toBe(`customer-uploads/${jobId}/${sha256(bytes)}-${stored.uploadId}.png`);
    const everything = filesUnder(api.uploadDir);
    expect(everything.filter((p) => p.includes('passwd'))).toEqual([]);
    expect(everything.filter((p) => p.startsWith(`customer-uploads/${jobId}/`))).toEqual([
      `customer-uploads/${jobId}/${sha256(bytes)}.png`,
    ]);

    const controlled = await upload(customer, sessionId, photo(png([67, 67, 67]), 'we\u0000ird\r\n"name".png'));
    expect(controlled.upload.originalFilename).toBe('weird"name".png');
    const response = await serve(controlled.upload.url);
    // The quote would end the header's filename early; the fallback form replaces it.
    expect(response.headers.get('content-disposition')).toBe(`inline; filename="weird_name_.png"; filename*=UTF-8''weird%22name%22.png`);
  });

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
