/** (e) A 2 MB JPEG through uploads.create (multipart); against hashing it and writing it to disk. */
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { config, lat, log, rows, UPLOAD_BYTES, UPLOAD_WARMUP, type Arena } from '../lib/context';
import { multipart } from '../lib/http';
import { makeJpeg } from '../lib/jpeg';
import { orderId, RANGE, sessionIdOf } from '../lib/seed';
import { customerCookie } from '../lib/setup';
import { rssKb } from '../lib/load';
import { mapLimit, summarize, timed } from '../lib/stats';

export async function photoUpload(arena: Arena) {
  const { customer, baselineDir } = arena;
  const uploadOrders = Array.from({ length: UPLOAD_WARMUP + config.uploadSamples }, (_, i) => RANGE.upload + i);
  // The success page signs in for 24 hours after payment (issue 15): these orders were just paid.
  await arena.seedSql`update orders set paid_at = now() where id = any(${uploadOrders.map((n) => orderId(n))})`;
  const uploadCookies = await mapLimit(uploadOrders, 4, (n) => customerCookie(customer.client, sessionIdOf(n)));
  // First, while the process has handled no upload yet: a burst, for the memory row.
  const memory = await concurrentMemory(arena, uploadOrders.slice(0, CONCURRENT), uploadCookies);
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
  if (memory) {
    rows.push({
      name: `uploads.create memory: ${CONCURRENT} uploads of 2 MB at once (${(CONCURRENT * UPLOAD_BYTES) / 1024 / 1024} MB of bodies in flight)`,
      http: `the customer process grew by ${memory.growthMb} MB at its peak (VmRSS sampled every 5 ms; ${memory.stored}/${CONCURRENT} stored)`,
      baseline: `${memory.beforeMb} MB before`,
      target: 'well under the bodies in flight (buffered uploads grew the process by ~2× them: 63 MB for these 32 MB)',
      result: 'info',
    });
    log(`upload memory: ${CONCURRENT} concurrent 2 MB uploads, peak growth ${memory.growthMb} MB`);
  }
  return { http: upload, raw: rawUpload, bytes: UPLOAD_BYTES, concurrentMemory: memory };
}

/** Uploads at once for the memory row (each to its own order, so the 12-photo limit is never near). */
const CONCURRENT = 16;

/**
 * CONCURRENT new 2 MB photos sent at the same time, the customer process's VmRSS sampled meanwhile:
 * streamed to disk, the bodies in flight should not show up in its memory. Null for an in-process app.
 */
async function concurrentMemory(arena: Arena, orders: number[], cookies: string[]) {
  const { customer } = arena;
  if (customer.pid === process.pid) return null;
  const photos = orders.map(() => makeJpeg(UPLOAD_BYTES));
  const forms = orders.map((n, i) =>
    multipart({ sessionId: sessionIdOf(n) }, { field: 'file', filename: `burst-${i}.jpg`, contentType: 'image/jpeg', bytes: photos[i]! }),
  );
  await new Promise((r) => setTimeout(r, 200));
  const beforeKb = rssKb(customer.pid) ?? 0;
  let peakKb = beforeKb;
  const sampler = setInterval(() => (peakKb = Math.max(peakKb, rssKb(customer.pid) ?? 0)), 5);
  let stored = 0;
  try {
    await Promise.all(
      forms.map(async (form, i) => {
        const response = await customer.client.send('POST', '/api/trpc/uploads.create', {
          headers: { 'content-type': form.contentType, cookie: cookies[i]!, origin: customer.origin },
          body: form.body,
        });
        if (response.status === 200) stored++;
      }),
    );
  } finally {
    clearInterval(sampler);
  }
  peakKb = Math.max(peakKb, rssKb(customer.pid) ?? 0);
  return { beforeMb: Math.round(beforeKb / 1024), growthMb: Math.round((peakKb - beforeKb) / 1024), stored };
}
