/** uploads.create and uploads.list: magic bytes, dedupe, sizes, names, inert content. */
import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAX_UPLOAD_BYTES } from '@h2s/db';
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
});
