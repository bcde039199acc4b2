/** The integrity tests' shared setup: a small healthy world per test, and helpers to read a report. */
import { createHash } from 'node:crypto';
import { tinyJpeg } from '../test/images';
import { afterEach, beforeEach } from 'vitest';
import type { Viewer } from '../domain/auth';
import type { TIME_WINDOW_LABELS } from '../domain/schedule';
import { createTestApi, type TestApi } from '../test/fixtures';
import { auditIntegrity, type InvariantReport, type Report } from './index';

// ---------------------------------------------------------------------------------------------
// A small, healthy world built through the real procedures, so "clean" means what the app writes.

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A real (decodable) JPEG; the tag makes each one unique. */
function jpegBytes(tag: string): Uint8Array<ArrayBuffer> {
  return tinyJpeg(`integrity-test ${tag}`);
}

interface Placed {
  orderId: string;
  sessionId: string;
  jobId: string;
  customer: Viewer;
}

export interface World {
  pro1: Viewer;
  pro2: Viewer;
  queued: Placed;
  scheduled: Placed;
  accepted: Placed;
  completed: Placed;
  dstDay: Placed;
  phoenix: Placed;
  pendingOrderId: string;
  uploads: { id: string; jobId: string; key: string; bytes: Uint8Array<ArrayBuffer> }[];
}

async function buildWorld(api: TestApi): Promise<World> {
  const pro1 = await api.pro({ postalCode: '60601', serviceRadiusMiles: 50 });
  const pro2 = await api.pro({ postalCode: '60601', serviceRadiusMiles: 50 });
  const anon = await api.caller(null);
  const confirm = (p: Placed, date: string, timezone: string, timeWindow: (typeof TIME_WINDOW_LABELS)[number]) =>
    anon.schedule.confirm({ sessionId: p.sessionId, date, timezone, timeWindow });

  const queued = await api.paidOrder();
  const scheduled = await api.paidOrder({ notes: 'Brick wall above the fireplace' });
  await confirm(scheduled, '2026-01-15', 'America/Chicago', '12pm - 3pm');
  const accepted = await api.paidOrder();
  await confirm(accepted, '2026-01-16', 'America/Chicago', '9am - 12pm');
  await (await api.caller(pro1)).jobs.accept({ jobId: accepted.jobId });
  // Accepted and completed without ever being scheduled: allowed, and not a due_at case.
  const completed = await api.paidOrder();
  await (await api.caller(pro2)).jobs.accept({ jobId: completed.jobId });
  await api.finishVisit(pro2, completed.jobId);
  // The day US daylight time starts, and a zone without DST: where a conversion bug would show.
  const dstDay = await api.paidOrder();
  await confirm(dstDay, '2026-03-08', 'America/New_York', '9am - 12pm');
  const phoenix = await api.paidOrder();
  await confirm(phoenix, '2026-02-02', 'America/Phoenix', '3pm - 6pm');
  // Checked out but never paid: no job is expected.
  const pending = await anon.checkout.create({
    items: [{ sku: 'wifi-mesh', quantity: 1 }],
    customer: { name: 'Pending Person', email: `pending-${Date.now()}@example.com`, phone: '312-555-0100' },
    serviceAddress: { line1: '1 N State St', city: 'Chicago', state: 'IL', postalCode: '60602' },
  });

  const uploads: World['uploads'] = [];
  for (const [target, tag] of [
    [scheduled, 'a'],
    [scheduled, 'b'],
    [accepted, 'c'],
  ] as const) {
    const bytes = jpegBytes(tag);
    const form = new FormData();
    form.set('sessionId', target.sessionId);
    form.set('file', new File([bytes], `${tag}.jpg`, { type: 'image/jpeg' }));
    const { upload } = await (await api.caller(target.customer)).uploads.create(form);
    uploads.push({
      id: upload.uploadId,
      jobId: target.jobId,
      key: `customer-uploads/${target.jobId}/${upload.sha256}-${upload.uploadId}.jpg`,
      bytes,
    });
  }
  return { pro1, pro2, queued, scheduled, accepted, completed, dstDay, phoenix, pendingOrderId: pending.orderId, uploads };
}

// ---------------------------------------------------------------------------------------------

export let api: TestApi;
export let world: World;

/** A fresh database and world per test: every breach below is made on a throwaway copy. */
export function useFreshWorld() {
  beforeEach(async () => {
    api = await createTestApi({ now: '2026-01-09T15:00:00.000Z' });
    world = await buildWorld(api);
  });
  afterEach(async () => {
    await api?.close();
  });
}

export const audit = () => auditIntegrity({ db: api.t.db, storage: api.server.deps.storage });
export const inv = (report: Report, n: InvariantReport['number']) => report.invariants.find((i) => i.number === n)!;
export const idsOf = (report: Report, n: InvariantReport['number']) => inv(report, n).breaches.map((b) => b.id);
export const reasonOf = (report: Report, n: InvariantReport['number'], id: string) =>
  inv(report, n).breaches.find((b) => b.id === id)?.reason ?? '';
export const breached = (report: Report) => report.invariants.filter((i) => i.breaches.length).map((i) => i.number);
export const sorted = (ids: string[]) => [...ids].sort();
/** An instant as ISO text from SQL: the test connection hands timestamps back as PostgreSQL text. */
export const utcText = (expression: string) =>
  api.t.sql.unsafe(`to_char((${expression}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`);

/** Runs statements with triggers off (foreign keys, the append-only and photo-limit triggers). */
export async function asReplica(statements: (sql: TestApi['t']['sql']) => Promise<unknown>): Promise<void> {
  await api.t.sql.begin(async (tx) => {
    await tx`set local session_replication_role = replica`;
    await statements(tx as unknown as TestApi['t']['sql']);
  });
}
