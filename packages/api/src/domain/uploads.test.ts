import { createHash } from 'node:crypto';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_UPLOAD_BYTES } from '@h2s/db';
import { createSession, type Viewer } from './auth';
import type { FileStore } from './storage';
import { DomainError } from './errors';
import { createUpload, removeUpload, signUploadUrl, UPLOAD_LIMIT_MESSAGE, UPLOAD_URL_TTL_SECONDS, type UploadView } from './uploads';
import { createTestApi, MemoryCookies, type TestApi } from '../test/fixtures';

// ---------------------------------------------------------------------------------------------
// Genuine tiny images, built here so the test does not depend on binary fixtures.

function pngChunk(type: string, data: Uint8Array): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A valid 1×1 RGB PNG of the given colour, with optional extra chunks before the pixels. */
function png(rgb: [number, number, number], extraChunks: Buffer[] = []): Uint8Array<ArrayBuffer> {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(1, 0);
  header.writeUInt32BE(1, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // truecolour
  const scanline = Buffer.from([0, ...rgb]);
  return new Uint8Array(
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      pngChunk('IHDR', header),
      ...extraChunks,
      pngChunk('IDAT', deflateSync(scanline)),
      pngChunk('IEND', new Uint8Array()),
    ]),
  );
}

/**
 * A valid baseline 8×8 greyscale JPEG: one block whose DC and AC tables each hold a single
 * one-bit code, so the entropy-coded data is "DC diff 0, end of block" = 0b00 padded with ones.
 */
function jpeg(quant = 1): Uint8Array<ArrayBuffer> {
  const segment = (marker: number, body: number[]) => {
    const length = body.length + 2;
    return [0xff, marker, length >> 8, length & 0xff, ...body];
  };
  const oneCode = [1, ...Array<number>(15).fill(0)];
  return new Uint8Array([
    0xff, 0xd8,
    ...segment(0xe0, [...Buffer.from('JFIF\0', 'latin1'), 1, 1, 0, 0, 1, 0, 1, 0, 0]),
    ...segment(0xdb, [0, ...Array<number>(64).fill(quant)]),
    ...segment(0xc0, [8, 0, 8, 0, 8, 1, 1, 0x11, 0]),
    ...segment(0xc4, [0x00, ...oneCode, 0x00]),
    ...segment(0xc4, [0x10, ...oneCode, 0x00]),
    ...segment(0xda, [1, 1, 0x00, 0, 63, 0]),
    0x3f,
    0xff, 0xd9,
  ]);
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function form(sessionId: string | null, file: File | null): FormData {
  const data = new FormData();
  if (sessionId !== null) data.set('sessionId', sessionId);
  if (file) data.set('file', file);
  return data;
}

const photo = (bytes: Uint8Array<ArrayBuffer>, name = 'photo.png', type = 'image/png') => new File([bytes], name, { type });

/**
 * Every file under dir, as paths relative to it, named by content: a stored file is
 * `{sha256}-{uploadId}.{ext}`, and the upload id (one file per row) is dropped here.
 */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((p) => join(dir, p))
    .filter((p) => statSync(p).isFile())
    .map((p) => relative(dir, p).replace(/-UPL-[A-Z2-7]{10}(\.\w+)$/, '$1'))
    .sort();
}

/** The fields a BAD_REQUEST names: input validation and fieldError both carry Zod-shaped issues. */
const fieldPaths = (error: TRPCError) => ((error.cause as { issues?: { path: PropertyKey[] }[] } | undefined)?.issues ?? []).map((i) => i.path);

async function rejection(promise: Promise<unknown>): Promise<TRPCError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCError) return error;
    // Domain functions called directly throw the transport-free DomainError; shape it as tRPC would.
    if (error instanceof DomainError) return new TRPCError({ code: error.code, message: error.message, cause: error });
    throw error;
  }
  throw new Error('expected the call to be refused');
}

// ---------------------------------------------------------------------------------------------

let api: TestApi;
const scope = { cookies: new MemoryCookies(), clientIp: null };

beforeAll(async () => {
  api = await createTestApi();
});
afterAll(async () => {
  await api?.close();
});

const jobDir = (jobId: string) => join(api.uploadDir, 'customer-uploads', jobId);
const serve = (url: string, method = 'GET') => api.server.serveUpload(new Request(new URL(url, 'http://x'), { method }), scope);

async function upload(viewer: Viewer, sessionId: string, file: File) {
  return (await api.caller(viewer)).uploads.create(form(sessionId, file));
}

async function rowCount(jobId: string): Promise<number> {
  const [row] = await api.t.sql<{ n: number }[]>`select count(*)::int as n from customer_uploads where job_id = ${jobId}`;
  return row?.n ?? -1;
}

async function eventTypes(jobId: string): Promise<string[]> {
  const rows = await api.t.sql<{ type: string }[]>`select type from job_events where job_id = ${jobId} and type like 'photo_%' order by id`;
  return rows.map((r) => r.type);
}

async function servedSha(url: string): Promise<string> {
  const response = await serve(url);
  expect(response.status).toBe(200);
  return sha256(new Uint8Array(await response.arrayBuffer()));
}

describe('uploads.create and uploads.list', () => {
  it('stores a real PNG and JPEG under hash keys and serves them back byte for byte, oldest first', async () => {
    const { sessionId, jobId, customer } = await api.paidOrder();
    const pngBytes = png([200, 30, 40]);
    const jpegBytes = jpeg();

    const first = await upload(customer, sessionId, photo(pngBytes, 'living room.png'));
    const second = await upload(customer, sessionId, photo(jpegBytes, 'wall.jpeg', 'image/jpeg'));

    expect(first).toMatchObject({ duplicate: false, upload: { jobId, mimeType: 'image/png', fileSize: pngBytes.length, sha256: sha256(pngBytes), originalFilename: 'living room.png' } });
    expect(second).toMatchObject({ duplicate: false, upload: { jobId, mimeType: 'image/jpeg', fileSize: jpegBytes.length, sha256: sha256(jpegBytes), originalFilename: 'wall.jpeg' } });
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
    expect(everything.filter((p) => p.startsWith(`customer-uploads/${jobId}/`))).toEqual([`customer-uploads/${jobId}/${sha256(bytes)}.png`]);

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
    const error = await rejection(createUpload({ ...api.server.deps, storage: racingStore }, { sessionId, file: photo(late), viewer: customer }));

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

    const pending = await (await api.caller(null)).checkout.create({
      items: [{ sku: 'tv-mount-standard', quantity: 1 }],
      customer: { name: 'Pat Pending', email: `pat+${Date.now()}@example.com`, phone: '312-555-0100' },
      serviceAddress: { line1: '1 Main St', city: 'Chicago', state: 'IL', postalCode: '60601' },
    });
    const [pendingRow] = await api.t.sql<{ customer: string }[]>`select customer_user_id as customer from orders where id = ${pending.orderId}`;
    const pendingCustomer: Viewer = { userId: pendingRow!.customer, role: 'customer', name: 'Pat Pending', email: 'pat@example.com' };
    const unpaid = await rejection(upload(pendingCustomer, pending.sessionId, photo(bytes)));
    expect(unpaid.code).toBe('CONFLICT');

    const pro = await api.pro();
    const asPro = await rejection((await api.caller(pro)).uploads.create(form(owner.sessionId, photo(bytes))));
    expect(asPro.code).toBe('FORBIDDEN');
  });
});

describe('who sees the photos', () => {
  it('lets the customer, the assigned pro and an admin list them; not another customer, a far pro or nobody', async () => {
    const { sessionId, jobId, customer } = await api.paidOrder();
    const other = await api.paidOrder();
    const bytes = png([12, 34, 56]);
    await upload(customer, sessionId, photo(bytes));

    const nearby = await api.pro({ postalCode: '60601', serviceRadiusMiles: 25 });
    const assigned = await api.pro({ postalCode: '60601', serviceRadiusMiles: 25 });
    const far = await api.pro({ postalCode: '90210', serviceRadiusMiles: 25 });
    const admin = await api.admin();

    // Before anyone accepts, a pro the job is offered to may look, to judge the work before committing.
    const offered = await (await api.caller(nearby)).uploads.list({ jobId });
    expect(offered.count).toBe(1);
    expect((await rejection((await api.caller(far)).uploads.list({ jobId }))).code).toBe('FORBIDDEN');

    await (await api.caller(assigned)).jobs.accept({ jobId });

    const asAssigned = await (await api.caller(assigned)).uploads.list({ jobId });
    expect(asAssigned.count).toBe(1);
    expect(await servedSha(asAssigned.uploads[0]!.url)).toBe(sha256(bytes));
    const asAdmin = await (await api.caller(admin)).uploads.list({ jobId });
    expect(asAdmin.uploads.map((u) => u.sha256)).toEqual([sha256(bytes)]);

    // Once the job is someone else's, it is no longer offered to the other pro.
    expect((await rejection((await api.caller(nearby)).uploads.list({ jobId }))).code).toBe('FORBIDDEN');
    expect((await rejection((await api.caller(far)).uploads.list({ jobId }))).code).toBe('FORBIDDEN');
    expect((await rejection((await api.caller(other.customer)).uploads.list({ jobId }))).code).toBe('NOT_FOUND');
    expect((await rejection((await api.caller(null)).uploads.list({ jobId }))).code).toBe('UNAUTHORIZED');
  });
});

describe('signed photo URLs', () => {
  it('expire after an hour and refuse any change to the id, expiry or signature', async () => {
    const { sessionId, customer } = await api.paidOrder();
    const { upload: stored } = await upload(customer, sessionId, photo(png([90, 80, 70])));
    const url = new URL(stored.url, 'http://x');
    const start = api.clock.now();
    try {
      api.clock.set(new Date(start.getTime() + (UPLOAD_URL_TTL_SECONDS - 1) * 1000));
      expect((await serve(stored.url)).status).toBe(200);
      api.clock.set(new Date(start.getTime() + UPLOAD_URL_TTL_SECONDS * 1000));
      const expired = await serve(stored.url);
      expect(expired.status).toBe(403);
      expect(expired.headers.get('content-type')).toMatch(/^text\/plain/);
    } finally {
      api.clock.set(start);
    }

    const sig = url.searchParams.get('sig')!;
    const exp = url.searchParams.get('exp')!;
    const flipped = `${sig.slice(0, -1)}${sig.endsWith('0') ? '1' : '0'}`;
    expect((await serve(`${url.pathname}?exp=${exp}&sig=${flipped}`)).status).toBe(403);
    expect((await serve(`${url.pathname}?exp=${Number(exp) + 3600}&sig=${sig}`)).status).toBe(403);
    expect((await serve(`${url.pathname}?exp=${exp}`)).status).toBe(403);
    expect((await serve(url.pathname)).status).toBe(403);
    expect((await serve(`${url.pathname}?exp=${exp}&sig=${sig.toUpperCase()}`)).status).toBe(403);
    expect((await serve(`${url.pathname}?exp=0${exp}&sig=${sig}`)).status).toBe(403);

    // Another photo's signature does not open this one.
    const { upload: second } = await upload(customer, sessionId, photo(png([90, 80, 71])));
    const secondUrl = new URL(second.url, 'http://x');
    expect((await serve(`${url.pathname}${secondUrl.search}`)).status).toBe(403);
  });

  it('answers 404 for a signed id that does not exist and for a row whose file is missing', async () => {
    expect((await serve(signUploadUrl(api.server.deps, 'UPL-AAAAAAAAAA'))).status).toBe(404);

    const { sessionId, jobId, customer } = await api.paidOrder();
    const bytes = png([11, 22, 33]);
    const { upload: stored } = await upload(customer, sessionId, photo(bytes));
    rmSync(join(jobDir(jobId), `${sha256(bytes)}-${stored.uploadId}.png`));
    expect((await serve(stored.url)).status).toBe(404);
  });
});

describe('uploads.remove', () => {
  it('deletes the row and the file for the owning customer, and refuses once the job is done', async () => {
    const { sessionId, jobId, customer } = await api.paidOrder();
    const other = await api.paidOrder();
    const keep = png([1, 1, 2]);
    const drop = png([1, 1, 3]);
    const kept = (await upload(customer, sessionId, photo(keep))).upload;
    const dropped = (await upload(customer, sessionId, photo(drop))).upload;
    const caller = await api.caller(customer);

    expect((await rejection((await api.caller(other.customer)).uploads.remove({ uploadId: dropped.uploadId }))).code).toBe('NOT_FOUND');
    const pro = await api.pro();
    expect((await rejection((await api.caller(pro)).uploads.remove({ uploadId: dropped.uploadId }))).code).toBe('FORBIDDEN');

    expect(await caller.uploads.remove({ uploadId: dropped.uploadId })).toEqual({ uploadId: dropped.uploadId, jobId, removed: true });
    expect(await rowCount(jobId)).toBe(1);
    expect(filesUnder(jobDir(jobId))).toEqual([`${sha256(keep)}.png`]);
    expect(await eventTypes(jobId)).toEqual(['photo_added', 'photo_added', 'photo_removed']);
    expect((await serve(dropped.url)).status).toBe(404);
    expect((await rejection(caller.uploads.remove({ uploadId: dropped.uploadId }))).code).toBe('NOT_FOUND');

    // The same bytes can come back after removal, as a new photo with its file restored.
    const back = await upload(customer, sessionId, photo(drop));
    expect(back.duplicate).toBe(false);
    expect(await servedSha(back.upload.url)).toBe(sha256(drop));

    await (await api.caller(pro)).jobs.accept({ jobId });
    await api.finishVisit(pro, jobId);

    const afterDone = await rejection(caller.uploads.remove({ uploadId: kept.uploadId }));
    expect(afterDone.code).toBe('CONFLICT');
    const addAfterDone = await rejection(upload(customer, sessionId, photo(png([1, 1, 4]))));
    expect(addAfterDone.code).toBe('CONFLICT');
    // Two before photos and the pro's after photo.
    expect(await rowCount(jobId)).toBe(3);
    expect(filesUnder(jobDir(jobId))).toHaveLength(3);
  });
});

describe('uploads over HTTP', () => {
  it('takes a multipart form through the tRPC handler and reports a missing field by name', async () => {
    const { sessionId, customer } = await api.paidOrder();
    const session = await createSession(api.t.db, customer.userId, api.clock.now());
    const cookie = `${api.server.sessionCookie}=${encodeURIComponent(session.token)}`;
    const post = (body: FormData) =>
      api.server.handlePlainTrpc(new Request('http://x/api/trpc/uploads.create', { method: 'POST', body, headers: { cookie } }));

    const bytes = jpeg(3);
    const ok = await post(form(sessionId, photo(bytes, 'door.jpg', 'image/jpeg')));
    expect(ok.status).toBe(200);
    const okBody = (await ok.json()) as { result: { data: { upload: UploadView; duplicate: boolean } } };
    expect(okBody.result.data).toMatchObject({ duplicate: false, upload: { mimeType: 'image/jpeg', sha256: sha256(bytes) } });
    expect(await servedSha(okBody.result.data.upload.url)).toBe(sha256(bytes));

    const missing = await post(form(sessionId, null));
    expect(missing.status).toBe(400);
    const missingBody = (await missing.json()) as { error: { data: { code: string; fieldErrors: Record<string, string> } } };
    expect(missingBody.error.data.code).toBe('BAD_REQUEST');
    expect(Object.keys(missingBody.error.data.fieldErrors)).toEqual(['file']);

    const notImage = await post(form(sessionId, photo(new TextEncoder().encode('hello'), 'a.png')));
    const notImageBody = (await notImage.json()) as { error: { data: { fieldErrors: Record<string, string> } } };
    expect(notImage.status).toBe(400);
    expect(notImageBody.error.data.fieldErrors).toEqual({ file: 'This file is not a JPEG, PNG, WebP or HEIC image' });
  });
});
