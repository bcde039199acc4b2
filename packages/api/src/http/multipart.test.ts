/** parseStreamedUpload: a multipart body to a temporary file, hashed on the way, refused at the limits. */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_UPLOAD_BYTES } from '@h2s/db';
import { parseStreamedUpload, UploadRefused, type StreamedUploadOptions } from './multipart';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A form as a browser sends it: its bytes (undici's own encoder) and its content type. */
async function encode(form: FormData): Promise<{ headers: { 'content-type': string }; bytes: Buffer }> {
  const response = new Response(form);
  return { headers: { 'content-type': response.headers.get('content-type')! }, bytes: Buffer.from(await response.arrayBuffer()) };
}

/** The bytes in chunks of 64 KB, as a socket delivers them. */
const chunked = (bytes: Buffer, size = 64 * 1024) =>
  Readable.from(
    (function* () {
      for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
    })(),
  );

const photoForm = (bytes: Uint8Array, fields: Record<string, string> = { sessionId: 'cs_test_abc' }, name = 'kitchen wall.jpg') => {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.set(key, value);
  form.set('file', new File([bytes as Uint8Array<ArrayBuffer>], name, { type: 'image/jpeg' }));
  return form;
};

async function refusal(promise: Promise<unknown>): Promise<UploadRefused> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UploadRefused);
  return error as UploadRefused;
}

let tmpDir: string;
let options: StreamedUploadOptions;
beforeEach(() => {
  tmpDir = mkdtempSync(join(tmpdir(), 'h2s-multipart-test-'));
  options = { tmpDir };
});
afterEach(() => rmSync(tmpDir, { recursive: true, force: true }));

const leftovers = () => readdirSync(tmpDir);

describe('parseStreamedUpload', () => {
  it('writes the file part to a temporary file with its size, sha256, first bytes, name and type; dispose removes it', async () => {
    const photo = randomBytes(3 * 1024 * 1024 + 17);
    photo.set([0xff, 0xd8, 0xff, 0xe0]);
    const { headers, bytes } = await encode(photoForm(photo, { sessionId: 'cs_test_abc', kind: 'before' }, 'Küche – wall.jpg'));

    const upload = await parseStreamedUpload(headers, chunked(bytes), options);

    expect(upload.file).toMatchObject({ size: photo.length, sha256: sha256(photo), filename: 'Küche – wall.jpg', mimeType: 'image/jpeg' });
    expect(Buffer.from(upload.file!.head)).toEqual(photo.subarray(0, 4096));
    expect(readFileSync(upload.file!.path).equals(photo)).toBe(true);
    expect(upload.get('sessionId')).toBe('cs_test_abc');
    expect(upload.get('kind')).toBe('before');
    expect(upload.get('jobId')).toBeNull();
    expect(leftovers()).toHaveLength(1);

    await upload.dispose();
    expect(leftovers()).toEqual([]);
  });

  it('never holds the body: the file is on disk, growing, while the rest is still on its way', async () => {
    const photo = randomBytes(2 * 1024 * 1024);
    const { headers, bytes } = await encode(photoForm(photo));
    const half = bytes.length >> 1;
    let release!: () => void;
    const rest = new Promise<void>((resolve) => (release = resolve));
    const body = Readable.from(
      (async function* () {
        for (let i = 0; i < half; i += 64 * 1024) yield bytes.subarray(i, Math.min(i + 64 * 1024, half));
        await rest;
        yield bytes.subarray(half);
      })(),
    );

    const parsing = parseStreamedUpload(headers, body, options);
    // The first half arrives and lands in the temporary file before the second is even sent.
    await expect.poll(() => leftovers().map((name) => statSync(join(tmpDir, name)).size)[0] ?? 0).toBeGreaterThan(half - 64 * 1024);
    release();
    const upload = await parsing;
    expect(upload.file).toMatchObject({ size: photo.length, sha256: sha256(photo) });
    await upload.dispose();
  });

  it('takes exactly 10 MB and refuses 10 MB + 1 byte with a 413, leaving no temporary file', async () => {
    const exact = Buffer.alloc(MAX_UPLOAD_BYTES, 7);
    const exactForm = await encode(photoForm(exact));
    const ok = await parseStreamedUpload(exactForm.headers, chunked(exactForm.bytes), options);
    expect(ok.file?.size).toBe(MAX_UPLOAD_BYTES);
    await ok.dispose();

    const over = await encode(photoForm(Buffer.alloc(MAX_UPLOAD_BYTES + 1, 7)));
    const error = await refusal(parseStreamedUpload(over.headers, chunked(over.bytes), options));
    expect(error).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'Request too large: photos can be at most 10 MB' });
    expect(leftovers()).toEqual([]);
  });

  it('refuses an endless body once it passes the body limit, whatever it holds', async () => {
    const zeros = Buffer.alloc(64 * 1024);
    const endless = new Readable({
      read() {
        this.push(zeros);
      },
    });
    const error = await refusal(
      parseStreamedUpload({ 'content-type': 'multipart/form-data; boundary=x' }, endless, { ...options, maxBodyBytes: 1024 * 1024 }),
    );
    expect(error).toMatchObject({ status: 413, cutOff: true });
    expect(leftovers()).toEqual([]);
  });

  it('returns a form without its photo or session as it came, for the procedure to name the missing fields', async () => {
    const form = new FormData();
    form.set('file', 'not a file');
    const { headers, bytes } = await encode(form);
    const upload = await parseStreamedUpload(headers, chunked(bytes), options);
    expect(upload.file).toBeNull();
    expect(upload.get('file')).toBe('not a file');
    expect(upload.get('sessionId')).toBeNull();
    expect(leftovers()).toEqual([]);
  });

  it('refuses a second file by the file field, leaving no temporary file', async () => {
    const form = photoForm(randomBytes(200 * 1024));
    form.append('file', new File([randomBytes(1024)], 'second.jpg', { type: 'image/jpeg' }));
    const { headers, bytes } = await encode(form);
    const error = await refusal(parseStreamedUpload(headers, chunked(bytes), options));
    expect(error).toMatchObject({ status: 400, code: 'BAD_REQUEST', field: 'file', message: 'Send one photo at a time.' });
    expect(leftovers()).toEqual([]);
  });

  it('refuses too many fields, an oversized field value stays within its limit', async () => {
    const many = new FormData();
    for (let i = 0; i < 20; i++) many.set(`f${i}`, 'x');
    const tooMany = await encode(many);
    expect(await refusal(parseStreamedUpload(tooMany.headers, chunked(tooMany.bytes), options))).toMatchObject({ status: 400 });

    const long = await encode(photoForm(randomBytes(10), { sessionId: 'x'.repeat(100_000) }));
    const upload = await parseStreamedUpload(long.headers, chunked(long.bytes), options);
    expect((upload.get('sessionId') as string).length).toBeLessThanOrEqual(512);
    await upload.dispose();
  });

  it('removes the partial file when the client goes away mid-upload', async () => {
    const { headers, bytes } = await encode(photoForm(randomBytes(1024 * 1024)));
    const body = Readable.from(
      (async function* () {
        yield bytes.subarray(0, 300 * 1024);
        await new Promise((resolve) => setTimeout(resolve, 20));
        throw Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
      })(),
    );
    const error = await refusal(parseStreamedUpload(headers, body, options));
    expect(error).toMatchObject({ status: 400, message: 'The upload was interrupted.', cutOff: true });
    expect(leftovers()).toEqual([]);

    // The same through the request's abort signal, with the body left hanging.
    const controller = new AbortController();
    const hanging = Readable.from(
      (async function* () {
        yield bytes.subarray(0, 300 * 1024);
        controller.abort();
        await new Promise(() => {});
      })(),
    );
    const aborted = await refusal(parseStreamedUpload(headers, hanging, { ...options, signal: controller.signal }));
    expect(aborted.message).toBe('The upload was interrupted.');
    expect(leftovers()).toEqual([]);
  });

  it('refuses what is not a multipart form, and a body cut off before its end', async () => {
    expect(
      await refusal(parseStreamedUpload({ 'content-type': 'application/json' }, Readable.from([Buffer.from('{}')]), options)),
    ).toMatchObject({ status: 400 });
    const { headers, bytes } = await encode(photoForm(randomBytes(100 * 1024)));
    const truncated = await refusal(parseStreamedUpload(headers, chunked(bytes.subarray(0, bytes.length - 100)), options));
    expect(truncated.status).toBe(400);
    expect(leftovers()).toEqual([]);
  });
});
