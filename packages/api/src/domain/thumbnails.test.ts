/** Galleries get resized thumbnails beside the untouched originals. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from './auth';
import { thumbnailKey } from './storage';
import { THUMBNAIL_PX } from './thumbnails';
import { createTestApi, type TestApi } from '../test/fixtures';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(async () => api?.close());

/** A photo of noise (1200 × 900), so it does not compress to nothing. */
async function bigJpeg(): Promise<Uint8Array<ArrayBuffer>> {
  const width = 1200;
  const height = 900;
  const raw = Buffer.alloc(width * height * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 2654435761) >>> 24;
  return new Uint8Array(
    await sharp(raw, { raw: { width, height, channels: 3 } })
      .jpeg({ quality: 90 })
      .toBuffer(),
  );
}

describe('photo thumbnails', () => {
  it('are made on upload, beside the original, and served resized as WebP', async () => {
    const { sessionId, customer } = await api.paidOrder();
    const session = await createSession(api.t.db, customer.userId, api.clock.now());
    const cookie = `${api.server.sessionCookie}=${encodeURIComponent(session.token)}`;
    const original = await bigJpeg();
    const body = new FormData();
    body.set('sessionId', sessionId);
    body.set('file', new File([original], 'wall.jpg', { type: 'image/jpeg' }));
    const response = await api.server.handlePlainTrpc(
      new Request('http://x/api/trpc/uploads.create', { method: 'POST', body, headers: { cookie } }),
    );
    expect(response.status, await response.clone().text()).toBe(200);
    const { upload } = (
      (await response.json()) as {
        result: { data: { upload: { uploadId: string; url: string; thumbnailUrl: string; sha256: string; jobId: string } } };
      }
    ).result.data;

    const key = `customer-uploads/${upload.jobId}/${upload.sha256}-${upload.uploadId}.jpg`;
    expect(existsSync(join(api.uploadDir, thumbnailKey(key)))).toBe(true);

    const served = (url: string) =>
      api.server.serveUpload(new Request(`http://x${url}`), { cookies: { get: () => undefined, set() {}, delete() {} }, clientIp: null });
    const thumb = await served(upload.thumbnailUrl);
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/webp');
    const thumbBytes = new Uint8Array(await thumb.arrayBuffer());
    const meta = await sharp(thumbBytes).metadata();
    expect(Math.max(meta.width!, meta.height!)).toBe(THUMBNAIL_PX);
    expect(thumbBytes.length * 10).toBeLessThan(original.length);

    const full = await served(upload.url);
    expect(full.headers.get('content-type')).toBe('image/jpeg');
    // Byte for byte (Buffer.equals: a deep toEqual over megabytes is slow).
    expect(Buffer.from(await full.arrayBuffer()).equals(Buffer.from(original))).toBe(true);

    // A thumbnail lost from the store is made again when asked for.
    await api.server.deps.storage.remove(thumbnailKey(key));
    const again = await served(upload.thumbnailUrl);
    expect(again.headers.get('content-type')).toBe('image/webp');
    expect(existsSync(join(api.uploadDir, thumbnailKey(key)))).toBe(true);
  });
});
