/** Who sees the photos, signed URLs, uploads.remove and the photo route over HTTP. */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSession } from '../auth';
import { signUploadUrl, UPLOAD_URL_TTL_SECONDS, type UploadView } from '.';
import {
  api,
  eventTypes,
  filesUnder,
  form,
  jobDir,
  jpeg,
  photo,
  png,
  rejection,
  rowCount,
  serve,
  servedSha,
  sha256,
  upload,
  useTestApi,
} from './test-support';

useTestApi();

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
