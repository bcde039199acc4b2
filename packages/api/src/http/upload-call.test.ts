/** uploads.create over HTTP, streamed: tRPC's answers as before, nothing left in the staging directory. */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAX_UPLOAD_BYTES } from '@h2s/db';
import { createSession, type Viewer } from '../domain/auth';
import { filesUnder, form, jobDir, jpeg, photo, png, servedSha, sha256, upload, api, useTestApi } from '../domain/uploads/test-support';

useTestApi();

const staged = () => readdirSync(api.uploadTmpDir);

async function cookieOf(viewer: Viewer): Promise<string> {
  const session = await createSession(api.t.db, viewer.userId, api.clock.now());
  return `${api.server.sessionCookie}=${encodeURIComponent(session.token)}`;
}

const post = (body: FormData | ReadableStream<Uint8Array>, headers: Record<string, string> = {}) =>
  api.server.handlePlainTrpc(
    new Request('http://x/api/trpc/uploads.create', { method: 'POST', body, headers, duplex: 'half' } as RequestInit & { duplex: 'half' }),
  );

type Envelope = {
  result?: { data: { upload: { uploadId: string; sha256: string; fileSize: number; mimeType: string; url: string }; duplicate: boolean } };
  error?: { message: string; code: number; data: Record<string, unknown> };
};
const answer = async (response: Response) => ({ status: response.status, body: (await response.json()) as Envelope });

describe('uploads.create over HTTP (streamed)', () => {
  it('stores the photo and answers in tRPC’s shape; the same bytes sent as FormData by a caller are the same photo', async () => {
    const { sessionId, jobId, customer } = await api.paidOrder();
    const cookie = await cookieOf(customer);
    const bytes = jpeg(5);

    const first = await answer(await post(form(sessionId, photo(bytes, 'hall way.jpg', 'image/jpeg')), { cookie }));
    expect(first.status).toBe(200);
    expect(Object.keys(first.body)).toEqual(['result']);
    expect(first.body.result!.data).toMatchObject({
      duplicate: false,
      upload: { jobId, sha256: sha256(bytes), fileSize: bytes.length, mimeType: 'image/jpeg', originalFilename: 'hall way.jpg' },
    });
    expect(await servedSha(first.body.result!.data.upload.url)).toBe(sha256(bytes));
    expect(filesUnder(jobDir(jobId))).toEqual([`${sha256(bytes)}.jpg`]);
    expect(staged()).toEqual([]);

    // Server-side callers still pass a FormData: one rule, one photo.
    const again = await upload(customer, sessionId, photo(bytes, 'copy.jpg', 'image/jpeg'));
    expect(again).toMatchObject({ duplicate: true, upload: { uploadId: first.body.result!.data.upload.uploadId } });
    const png1 = png([4, 5, 6]);
    await upload(customer, sessionId, photo(png1));
    const streamedAgain = await answer(await post(form(sessionId, photo(png1)), { cookie }));
    expect(streamedAgain.body.result!.data.duplicate).toBe(true);
    expect(staged()).toEqual([]);
  });

  it('names the missing or wrong field, refuses a second file and anything over 10 MB, and stages nothing afterwards', async () => {
    const { sessionId, customer } = await api.paidOrder();
    const cookie = await cookieOf(customer);

    const noSession = await answer(await post(form(null, photo(png([1, 1, 1]))), { cookie }));
    expect(noSession).toEqual({
      status: 400,
      body: {
        error: {
          message: expect.any(String),
          code: -32600,
          data: { code: 'BAD_REQUEST', httpStatus: 400, path: 'uploads.create', fieldErrors: { sessionId: 'Missing checkout session id' } },
        },
      },
    });
    const noFile = await answer(await post(form(sessionId, null), { cookie }));
    expect(noFile.body.error!.data.fieldErrors).toEqual({ file: 'Choose a photo to upload' });
    const notImage = await answer(await post(form(sessionId, photo(new TextEncoder().encode('hello'), 'a.png')), { cookie }));
    expect(notImage).toMatchObject({
      status: 400,
      body: { error: { data: { fieldErrors: { file: 'This file is not a JPEG, PNG, WebP or HEIC image' } } } },
    });
    const empty = await answer(await post(form(sessionId, photo(new Uint8Array(0), 'a.png')), { cookie }));
    expect(empty.body.error!.data.fieldErrors).toEqual({ file: 'This file is empty.' });

    const two = form(sessionId, photo(png([2, 2, 2])));
    two.append('file', photo(png([3, 3, 3])));
    const second = await answer(await post(two, { cookie }));
    expect(second).toMatchObject({
      status: 400,
      body: { error: { data: { code: 'BAD_REQUEST', httpStatus: 400, fieldErrors: { file: 'Send one photo at a time.' } } } },
    });

    const big = new Uint8Array(MAX_UPLOAD_BYTES + 1);
    big.set(png([0, 0, 0]));
    const tooBig = await answer(await post(form(sessionId, photo(big, 'huge.png')), { cookie }));
    expect(tooBig).toMatchObject({
      status: 413,
      body: { error: { message: 'Request too large: photos can be at most 10 MB', data: { code: 'PAYLOAD_TOO_LARGE', httpStatus: 413 } } },
    });
    expect(staged()).toEqual([]);
  });

  it('answers 401 to a signed-out upload and 403 to a cross-site one, storing nothing', async () => {
    const { sessionId, jobId, customer } = await api.paidOrder();
    const anonymous = await answer(await post(form(sessionId, photo(png([7, 7, 7])))));
    expect(anonymous).toMatchObject({ status: 401, body: { error: { data: { code: 'UNAUTHORIZED' } } } });
    const crossSite = await post(form(sessionId, photo(png([7, 7, 8]))), {
      cookie: await cookieOf(customer),
      origin: 'https://evil.example',
    });
    expect(crossSite.status).toBe(403);
    expect(filesUnder(jobDir(jobId))).toEqual([]);
    expect(staged()).toEqual([]);
  });

  it('takes the assigned pro’s after photo by job', async () => {
    const { jobId } = await api.paidOrder();
    const pro = await api.pro();
    const c = await api.caller(pro);
    await c.jobs.accept({ jobId });
    await c.jobs.depart({ jobId });
    await c.jobs.start({ jobId });
    const body = new FormData();
    body.set('jobId', jobId);
    body.set('kind', 'after');
    body.set('file', photo(png([90, 91, 92]), 'done.png'));
    const after = await answer(await post(body, { cookie: await cookieOf(pro) }));
    expect(after).toMatchObject({ status: 200, body: { result: { data: { duplicate: false, upload: { jobId, kind: 'after' } } } } });
    expect(staged()).toEqual([]);
  });

  it('removes the partial photo when the client goes away mid-upload', async () => {
    const { sessionId, customer } = await api.paidOrder();
    const encoded = new Response(form(sessionId, photo(new Uint8Array(2 * 1024 * 1024).fill(1), 'big.png')));
    const bytes = new Uint8Array(await encoded.arrayBuffer());
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (sent >= 512 * 1024) {
          // The photo is on its way to disk; then the connection drops.
          await expect.poll(staged).toHaveLength(1);
          controller.error(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
          return;
        }
        controller.enqueue(bytes.subarray(sent, sent + 64 * 1024));
        sent += 64 * 1024;
      },
    });
    const response = await post(body, { cookie: await cookieOf(customer), 'content-type': encoded.headers.get('content-type')! });
    expect(response.status).toBe(400);
    expect(staged()).toEqual([]);
  });
});
