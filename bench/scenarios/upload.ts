/** (e) A 2 MB JPEG through uploads.create (multipart); against hashing it and writing it to disk. */
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { config, lat, log, rows, UPLOAD_BYTES, UPLOAD_WARMUP, type Arena } from '../lib/context';
import { multipart } from '../lib/http';
import { makeJpeg } from '../lib/jpeg';
import { orderId, RANGE, sessionIdOf } from '../lib/seed';
import { customerCookie } from '../lib/setup';
import { mapLimit, summarize, timed } from '../lib/stats';

export async function photoUpload(arena: Arena) {
  const { customer, baselineDir } = arena;
  const uploadOrders = Array.from({ length: UPLOAD_WARMUP + config.uploadSamples }, (_, i) => RANGE.upload + i);
  // The success page signs in for 24 hours after payment (issue 15): these orders were just paid.
  await arena.seedSql`update orders set paid_at = now() where id = any(${uploadOrders.map((n) => orderId(n))})`;
  const uploadCookies = await mapLimit(uploadOrders, 4, (n) => customerCookie(customer.client, sessionIdOf(n)));
  const photos = uploadOrders.map(() => makeJpeg(UPLOAD_BYTES));
  const uploadTimes: number[] = [];
  for (const [i, n] of uploadOrders.entries()) {
    const bytes = photos[i]!;
    const form = multipart({ sessionId: sessionIdOf(n) }, { field: 'file', filename: `site-${i}.jpg`, contentType: 'image/jpeg', bytes });
    const { ms: t, value: response } = await timed(() =>
      customer.client.send('POST', '/api/trpc/uploads.create', {
        // SvelteKit refuses a cross-site form POST; a browser sends its own origin.
        headers: { 'content-type': form.contentType, cookie: uploadCookies[i]!, origin: customer.origin },
        body: form.body,
      }),
    );
    const parsed = JSON.parse(response.body.toString()) as { result?: { data?: { upload: { fileSize: number; sha256: string } } } };
    const upload = parsed.result?.data?.upload;
    const sha = createHash('sha256').update(bytes).digest('hex');
    if (response.status !== 200 || upload?.fileSize !== bytes.length || upload.sha256 !== sha) {
      throw new Error(`uploads.create: ${response.status} ${response.body.toString().slice(0, 300)}`);
    }
    if (i >= UPLOAD_WARMUP) uploadTimes.push(t);
  }
  arena.sampleRss('upload');
  const baselineTimes: number[] = [];
  for (const [i, bytes] of photos.entries()) {
    const { ms: t } = await timed(async () => {
      const sha = createHash('sha256').update(bytes).digest('hex');
      await writeFile(join(baselineDir, `${sha}.jpg`), bytes);
    });
    if (i >= UPLOAD_WARMUP) baselineTimes.push(t);
  }
  const upload = summarize(uploadTimes);
  const rawUpload = summarize(baselineTimes);
  rows.push({
    name: `uploads.create, 2 MB JPEG multipart (${config.uploadSamples} photos)`,
    http: lat(upload),
    baseline: `${lat(rawUpload)} (sha256 + fs.writeFile)`,
    target: 'p50 ≤ 3× baseline',
    result: upload.p50 <= 3 * rawUpload.p50 ? 'pass' : 'miss',
    detail: `p50 is ${(upload.p50 / rawUpload.p50).toFixed(1)}× baseline`,
  });
  log(`upload ${lat(upload)} vs sha256+writeFile ${lat(rawUpload)}`);
  return { http: upload, raw: rawUpload, bytes: UPLOAD_BYTES };
}
