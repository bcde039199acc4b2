/**
 * UploadThing's servers are out of reach here, so the SDK talks to a stand-in through the fetch
 * hook UTApi accepts. The stand-in checks what the real service checks (the HMAC signature made
 * with the token's API key, the API key header) and answers in the service's shapes; the tests
 * assert the requests the store sends.
 */
import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyPng } from '../test/images';
import { createTestApi, MemoryCookies, type TestApi } from '../test/fixtures';
import { uploadThingStore } from './uploadthing';
import { createUpload } from './uploads';
import { serveUpload } from '../http/uploads';

const APP_ID = 'h2sdemoapp';
const API_KEY = 'sk_test_5f1c0ffee5f1c0ffee5f1c0ffee';
const REGION = 'sea1';
const tokenFor = (apiKey: string) => Buffer.from(JSON.stringify({ apiKey, appId: APP_ID, regions: [REGION] })).toString('base64');
const TOKEN = tokenFor(API_KEY);

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

interface Recorded {
  method: string;
  url: URL;
  headers: Headers;
  json?: unknown;
  file?: File;
}

interface StoredFile {
  bytes: Uint8Array;
  type: string;
  name: string;
  fileKey: string;
}

/** UploadThing as far as this store uses it: ingest (PUT), the CDN (GET/HEAD) and the REST API. */
function fakeUploadThing() {
  const byCustomId = new Map<string, StoredFile>();
  const requests: Recorded[] = [];
  const behaviour = { ingestStatus: 200, storeDespiteError: false };

  /** The SDK signs the URL without its final `&signature=`; the service recomputes that. */
  const signatureValid = (url: URL) => {
    const href = url.href;
    const at = href.lastIndexOf('&signature=');
    if (at < 0) return false;
    const expected = `hmac-sha256=${createHmac('sha256', API_KEY).update(href.slice(0, at)).digest('hex')}`;
    return url.searchParams.get('signature') === expected && Number(url.searchParams.get('expires')) > Date.now();
  };

  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const recorded: Recorded = { method: request.method, url, headers: request.headers };
    requests.push(recorded);

    if (url.hostname === `${REGION}.ingest.uploadthing.com` && request.method === 'PUT') {
      if (!signatureValid(url)) return new Response('invalid signature', { status: 403 });
      const form = await request.formData();
      const file = form.get('file');
      if (!(file instanceof File)) return Response.json({ error: 'no file' }, { status: 400 });
      recorded.file = file;
      // The SDK URI-encodes each value before URLSearchParams encodes it again.
      const param = (name: string) => decodeURIComponent(url.searchParams.get(name) ?? '');
      const customId = param('x-ut-custom-id');
      const fileKey = url.pathname.slice(1);
      const stored = {
        bytes: new Uint8Array(await file.arrayBuffer()),
        type: param('x-ut-file-type'),
        name: param('x-ut-file-name'),
        fileKey,
      };
      if (behaviour.ingestStatus !== 200) {
        if (behaviour.storeDespiteError) byCustomId.set(customId, stored);
        return Response.json({ error: 'ingest refused' }, { status: behaviour.ingestStatus });
      }
      if (byCustomId.has(customId)) return Response.json({ error: 'customId already in use' }, { status: 409 });
      byCustomId.set(customId, stored);
      return Response.json({
        url: `https://utfs.io/f/${fileKey}`,
        appUrl: `https://utfs.io/a/${APP_ID}/${fileKey}`,
        ufsUrl: `https://${APP_ID}.ufs.sh/f/${fileKey}`,
        fileHash: createHash('md5').update(stored.bytes).digest('hex'),
        serverData: null,
      });
    }

    if (url.hostname === `${APP_ID}.ufs.sh` && (request.method === 'GET' || request.method === 'HEAD')) {
      if (!signatureValid(url)) return new Response('invalid signature', { status: 403 });
      const id = decodeURIComponent(url.pathname.slice('/f/'.length));
      const stored = byCustomId.get(id) ?? [...byCustomId.values()].find((f) => f.fileKey === id);
      if (!stored) return new Response('not found', { status: 404 });
      const headers = { 'content-type': stored.type, 'content-length': String(stored.bytes.length) };
      return new Response(request.method === 'HEAD' ? null : new Uint8Array(stored.bytes), { status: 200, headers });
    }

    if (url.origin === 'https://api.uploadthing.com' && request.method === 'POST') {
      if (request.headers.get('x-uploadthing-api-key') !== API_KEY) return Response.json({ error: 'bad api key' }, { status: 401 });
      const body = (await request.json()) as { customIds?: string[]; fileKeys?: string[] };
      recorded.json = body;
      if (url.pathname === '/v6/deleteFiles') {
        let deletedCount = 0;
        for (const id of body.customIds ?? []) if (byCustomId.delete(id)) deletedCount++;
        return Response.json({ success: true, deletedCount });
      }
    }
    return new Response('no such endpoint', { status: 404 });
  };

  return { fetch, requests, byCustomId, behaviour };
}

const keyFor = (bytes: Uint8Array, ext = 'png', jobId = 'JOB-ABCDEFGH') => `customer-uploads/${jobId}/${sha256(bytes)}.${ext}`;
const someBytes = (seed: number) => new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, seed, seed + 1, seed + 2]);
const summary = (r: Recorded) => `${r.method} ${r.url.origin}${r.url.pathname}`;

describe('uploadThingStore', () => {
  it('uploads through the signed ingest URL with the storage key as customId', async () => {
    const ut = fakeUploadThing();
    const store = uploadThingStore(TOKEN, { fetch: ut.fetch });
    const bytes = someBytes(1);
    const key = keyFor(bytes);

    const { url } = await store.put(key, bytes, 'image/png');

    // First a look for an earlier copy of this key on the CDN, then the upload itself.
    expect(ut.requests.map(summary)).toEqual([
      `HEAD https://${APP_ID}.ufs.sh/f/${encodeURIComponent(key)}`,
      expect.stringMatching(new RegExp(`^PUT https://${REGION}\\.ingest\\.uploadthing\\.com/[A-Za-z0-9]+$`)),
    ]);
    const put = ut.requests[1]!;
    const param = (name: string) => decodeURIComponent(put.url.searchParams.get(name) ?? '');
    expect(param('x-ut-identifier')).toBe(APP_ID);
    expect(param('x-ut-custom-id')).toBe(key);
    expect(param('x-ut-file-name')).toBe(`${sha256(bytes)}.png`);
    expect(param('x-ut-file-size')).toBe(String(bytes.length));
    expect(param('x-ut-file-type')).toBe('image/png');
    expect(param('x-ut-content-disposition')).toBe('inline');
    expect(put.url.searchParams.get('signature')).toMatch(/^hmac-sha256=[0-9a-f]{64}$/);
    expect(put.headers.get('x-uploadthing-version')).toMatch(/^\d+\.\d+\.\d+/);
    // The secret signs the URL; it never travels with the upload.
    expect(put.headers.get('x-uploadthing-api-key')).toBeNull();
    expect(put.url.href).not.toContain(API_KEY);
    // The SDK sends a Blob part, so the multipart filename is generic; the service takes the name from x-ut-file-name.
    expect(new Uint8Array(await put.file!.arrayBuffer())).toEqual(bytes);

    const fileKey = put.url.pathname.slice(1);
    expect(url).toBe(`https://${APP_ID}.ufs.sh/f/${fileKey}`);
    expect(ut.byCustomId.get(key)?.bytes).toEqual(bytes);
  });

  it('reads bytes and size back by customId through short-lived signed CDN URLs', async () => {
    const ut = fakeUploadThing();
    const store = uploadThingStore(TOKEN, { fetch: ut.fetch });
    const bytes = someBytes(2);
    const key = keyFor(bytes, 'jpg');
    await store.put(key, bytes, 'image/jpeg');
    ut.requests.length = 0;

    expect(await store.get(key)).toEqual(bytes);
    expect(await store.size(key)).toBe(bytes.length);
    expect(ut.requests.map(summary)).toEqual([
      `GET https://${APP_ID}.ufs.sh/f/${encodeURIComponent(key)}`,
      `HEAD https://${APP_ID}.ufs.sh/f/${encodeURIComponent(key)}`,
    ]);
    for (const r of ut.requests) {
      const expires = Number(r.url.searchParams.get('expires'));
      expect(expires).toBeGreaterThan(Date.now());
      expect(expires).toBeLessThanOrEqual(Date.now() + 5 * 60 * 1000);
    }

    const absent = keyFor(someBytes(99));
    expect(await store.get(absent)).toBeNull();
    expect(await store.size(absent)).toBeNull();
  });

  it('puts the same key twice without uploading twice', async () => {
    const ut = fakeUploadThing();
    const store = uploadThingStore(TOKEN, { fetch: ut.fetch });
    const bytes = someBytes(3);
    const key = keyFor(bytes);
    const first = await store.put(key, bytes, 'image/png');
    ut.requests.length = 0;

    const second = await store.put(key, bytes, 'image/png');
    expect(ut.requests.map((r) => r.method)).toEqual(['HEAD']);
    expect(second.url).toBe(`https://${APP_ID}.ufs.sh/f/${encodeURIComponent(key)}`);
    expect(first.url).toMatch(new RegExp(`^https://${APP_ID}\\.ufs\\.sh/f/`));
  });

  it('deletes by customId through the REST API, authenticated with the API key header', async () => {
    const ut = fakeUploadThing();
    const store = uploadThingStore(TOKEN, { fetch: ut.fetch });
    const bytes = someBytes(4);
    const key = keyFor(bytes);
    await store.put(key, bytes, 'image/png');
    ut.requests.length = 0;

    await store.remove(key);
    expect(ut.requests.map(summary)).toEqual(['POST https://api.uploadthing.com/v6/deleteFiles']);
    const del = ut.requests[0]!;
    expect(del.headers.get('x-uploadthing-api-key')).toBe(API_KEY);
    expect(del.headers.get('content-type')).toMatch(/^application\/json/);
    expect(del.json).toEqual({ customIds: [key] });
    expect(await store.get(key)).toBeNull();
    expect(await store.size(key)).toBeNull();
  });

  it('fails a put the service refuses, unless a concurrent put already stored the same key', async () => {
    const ut = fakeUploadThing();
    const store = uploadThingStore(TOKEN, { fetch: ut.fetch });
    ut.behaviour.ingestStatus = 500;
    const lost = someBytes(5);
    await expect(store.put(keyFor(lost), lost, 'image/png')).rejects.toThrow(/UploadThing: upload of .* failed/);
    expect(ut.byCustomId.size).toBe(0);

    // The service says no because another request's upload of this key got there first.
    ut.behaviour.ingestStatus = 409;
    ut.behaviour.storeDespiteError = true;
    const raced = someBytes(6);
    const result = await store.put(keyFor(raced), raced, 'image/png');
    expect(result.url).toBe(`https://${APP_ID}.ufs.sh/f/${encodeURIComponent(keyFor(raced))}`);
    expect(ut.byCustomId.get(keyFor(raced))?.bytes).toEqual(raced);
  });

  it('uploads a streamed photo from its temporary file, the file staying where it is', async () => {
    const ut = fakeUploadThing();
    const store = uploadThingStore(TOKEN, { fetch: ut.fetch });
    const bytes = someBytes(8);
    const dir = mkdtempSync(join(tmpdir(), 'h2s-ut-staged-'));
    try {
      const path = join(dir, 'upload.part');
      writeFileSync(path, bytes);
      await store.put(keyFor(bytes), { path, size: bytes.length }, 'image/png');
      const put = ut.requests[1]!;
      expect(put.url.searchParams.get('x-ut-file-size')).toBe(String(bytes.length));
      expect(new Uint8Array(await put.file!.arrayBuffer())).toEqual(bytes);
      expect(ut.byCustomId.get(keyFor(bytes))?.bytes).toEqual(bytes);
      expect(readFileSync(path)).toEqual(Buffer.from(bytes));
      // Already there with this size: not sent again.
      ut.requests.length = 0;
      await store.put(keyFor(bytes), { path, size: bytes.length }, 'image/png');
      expect(ut.requests.map((r) => r.method)).toEqual(['HEAD']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('signs with the token it was given: a wrong API key is refused by the service', async () => {
    const ut = fakeUploadThing();
    const store = uploadThingStore(tokenFor('sk_test_not_the_right_key_at_all'), { fetch: ut.fetch });
    const bytes = someBytes(7);
    await expect(store.size(keyFor(bytes))).rejects.toThrow(/HTTP 403/);
    await expect(store.remove(keyFor(bytes))).rejects.toThrow();
    expect(ut.requests.map((r) => r.method)).toEqual(['HEAD', 'POST']);
    expect(ut.byCustomId.size).toBe(0);
  });

  it('refuses keys it did not build without sending anything', async () => {
    const ut = fakeUploadThing();
    const store = uploadThingStore(TOKEN, { fetch: ut.fetch });
    const bad = '../../etc/passwd';
    await expect(store.put(bad, someBytes(8), 'image/png')).rejects.toThrow(/invalid storage key/);
    await expect(store.get(bad)).rejects.toThrow(/invalid storage key/);
    await expect(store.size(bad)).rejects.toThrow(/invalid storage key/);
    await expect(store.remove(bad)).rejects.toThrow(/invalid storage key/);
    expect(ut.requests).toEqual([]);
  });
});

describe('photo uploads on UploadThing', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi();
  });
  afterAll(async () => {
    await api?.close();
  });

  it('stores the photo there, records its URL on the row, and serves it through the signed route', async () => {
    const ut = fakeUploadThing();
    const deps = { ...api.server.deps, storage: uploadThingStore(TOKEN, { fetch: ut.fetch }) };
    const { sessionId, jobId, customer } = await api.paidOrder();
    const bytes = tinyPng([9, 10, 11]);

    const { upload } = await createUpload(deps, {
      sessionId,
      file: new File([bytes], 'wall.png', { type: 'image/png' }),
      viewer: customer,
    });
    const key = `customer-uploads/${jobId}/${sha256(bytes)}-${upload.uploadId}.png`;
    expect(ut.byCustomId.get(key)?.bytes).toEqual(bytes);
    const [row] = await api.t.sql<
      { url: string; storage_key: string }[]
    >`select url, storage_key from customer_uploads where id = ${upload.uploadId}`;
    expect(row?.storage_key).toBe(key);
    expect(row?.url).toMatch(new RegExp(`^https://${APP_ID}\\.ufs\\.sh/f/[A-Za-z0-9]+$`));
    // Clients get our signed path, never the store's address.
    expect(upload.url).toMatch(/^\/api\/uploads\/UPL-/);

    const response = await serveUpload(deps, new Request(new URL(upload.url, 'http://x')), {
      cookies: new MemoryCookies(),
      clientIp: null,
    });
    expect(response.status).toBe(200);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(bytes);
  });
});
