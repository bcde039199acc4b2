import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Temporal } from 'temporal-polyfill';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TIME_WINDOWS } from '@h2s/db';
import type { Viewer } from './domain/auth';
import { windowStartUtc, TIME_WINDOW_LABELS } from './domain/schedule';
import { auditIntegrity, formatReport, INVARIANT_NAMES, type InvariantReport, type Report } from './integrity';
import { createTestApi, type TestApi } from './test/fixtures';

// ---------------------------------------------------------------------------------------------
// A small, healthy world built through the real procedures, so "clean" means what the app writes.

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A JPEG as far as the upload sniffing goes (SOI + APP0 marker); the tag makes each one unique. */
function jpegBytes(tag: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from(`integrity-test ${tag}`), Buffer.from([0xff, 0xd9])]));
}

interface Placed {
  orderId: string;
  sessionId: string;
  jobId: string;
  customer: Viewer;
}

interface World {
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
    uploads.push({ id: upload.uploadId, jobId: target.jobId, key: `customer-uploads/${target.jobId}/${upload.sha256}-${upload.uploadId}.jpg`, bytes });
  }
  return { pro1, pro2, queued, scheduled, accepted, completed, dstDay, phoenix, pendingOrderId: pending.orderId, uploads };
}

// ---------------------------------------------------------------------------------------------

let api: TestApi;
let world: World;

/** A fresh database and world per test: every breach below is made on a throwaway copy. */
function useFreshWorld() {
  beforeEach(async () => {
    api = await createTestApi({ now: '2026-01-09T15:00:00.000Z' });
    world = await buildWorld(api);
  });
  afterEach(async () => {
    await api?.close();
  });
}

const audit = () => auditIntegrity({ db: api.t.db, storage: api.server.deps.storage });
const inv = (report: Report, n: InvariantReport['number']) => report.invariants.find((i) => i.number === n)!;
const idsOf = (report: Report, n: InvariantReport['number']) => inv(report, n).breaches.map((b) => b.id);
const reasonOf = (report: Report, n: InvariantReport['number'], id: string) => inv(report, n).breaches.find((b) => b.id === id)?.reason ?? '';
const breached = (report: Report) => report.invariants.filter((i) => i.breaches.length).map((i) => i.number);
const sorted = (ids: string[]) => [...ids].sort();
/** An instant as ISO text from SQL: the test connection hands timestamps back as PostgreSQL text. */
const utcText = (expression: string) => api.t.sql.unsafe(`to_char((${expression}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`);

/** Runs statements with triggers off (foreign keys, the append-only and photo-limit triggers). */
async function asReplica(statements: (sql: TestApi['t']['sql']) => Promise<unknown>): Promise<void> {
  await api.t.sql.begin(async (tx) => {
    await tx`set local session_replication_role = replica`;
    await statements(tx as unknown as TestApi['t']['sql']);
  });
}

describe('auditIntegrity on a healthy database', () => {
  useFreshWorld();

  it('finds no breach and counts the rows each invariant looked at', async () => {
    const report = await audit();

    expect(report.ok).toBe(true);
    expect(report.breachCount).toBe(0);
    expect(report.invariants.map((i) => [i.number, i.name, i.breaches])).toEqual(
      ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as const).map((n) => [n, INVARIANT_NAMES[n], []]),
    );
    // 6 paid orders + 6 jobs; 6 jobs; 4 jobs with a slot; 6 jobs; 4 uploads (3 before, 1 after); 6 events + 6 paid orders;
    // 1 live assignment; 2 accepted or completed assignments; no refunds or cancellations;
    // 14 emails (6 confirmations, 4 invites, 2 pro assigned, on the way, receipt).
    expect(report.invariants.map((i) => i.checked)).toEqual([12, 6, 4, 6, 4, 12, 1, 2, 0, 14]);
    expect(formatReport(report)).toMatch(/Summary: all 10 invariants hold/);
  });

  it('agrees with the app on due_at across a DST change and in a zone without DST', async () => {
    const rows = await api.t.sql<{ id: string; due: string }[]>`
      select id, ${utcText('due_at')} as due from dispatch_jobs where id in ${api.t.sql([world.dstDay.jobId, world.phoenix.jobId])}`;
    const due = Object.fromEntries(rows.map((r) => [r.id, r.due]));
    // 9am EDT (UTC-4) on the morning DST began at 2am; 3pm MST (UTC-7) all year.
    expect(due[world.dstDay.jobId]).toBe('2026-03-08T13:00:00Z');
    expect(due[world.phoenix.jobId]).toBe('2026-02-02T22:00:00Z');
    expect(inv(await audit(), 3)).toMatchObject({ checked: 4, breaches: [] });
  });
});

describe('PostgreSQL and Temporal agree on every window start in US zones', () => {
  useFreshWorld();

  it('gives the same instant for each day of 2026-2027, each window, each US zone', async () => {
    const zones = [
      'America/New_York', 'America/Detroit', 'America/Indiana/Indianapolis', 'America/Chicago', 'America/Denver',
      'America/Boise', 'America/Phoenix', 'America/Los_Angeles', 'America/Anchorage', 'Pacific/Honolulu', 'America/Puerto_Rico',
    ];
    const dates: string[] = [];
    for (let d = Temporal.PlainDate.from('2026-01-01'); d.year < 2028; d = d.add({ days: 1 })) dates.push(d.toString());
    const cases = zones.flatMap((zone) => dates.flatMap((date) => TIME_WINDOW_LABELS.map((label) => ({ zone, date, label }))));
    const expected = cases.map((c) => windowStartUtc(c.date, c.zone, c.label).toISOString());
    const hours = cases.map((c) => TIME_WINDOWS[c.label]);

    const [result] = await api.t.sql<{ compared: number; differing: number }[]>`
      select count(*)::int as compared,
             count(*) filter (where (c.date::date + make_time(c.hour, 0, 0)) at time zone c.zone <> c.expected::timestamptz)::int as differing
        from unnest(${cases.map((c) => c.zone)}::text[], ${cases.map((c) => c.date)}::text[],
                    ${hours}::int[], ${expected}::text[]) as c(zone, date, hour, expected)`;

    expect(result).toEqual({ compared: 11 * 730 * 3, differing: 0 });
  });

  it('agrees in a spring-forward gap and differs in a fall-back overlap, which windows never hit', async () => {
    const temporal = (date: string, hour: number, minute: number) =>
      Temporal.PlainDate.from(date).toPlainDateTime({ hour, minute }).toZonedDateTime('America/Chicago', { disambiguation: 'compatible' }).toInstant().toString();
    const [pg] = await api.t.sql<{ gap: string; overlap: string }[]>`
      select ${utcText(`('2026-03-08'::date + time '02:30') at time zone 'America/Chicago'`)} as gap,
             ${utcText(`('2026-11-01'::date + time '01:30') at time zone 'America/Chicago'`)} as overlap`;

    expect(temporal('2026-03-08', 2, 30)).toBe('2026-03-08T08:30:00Z');
    expect(pg!.gap).toBe('2026-03-08T08:30:00Z');
    // Temporal takes the first 1:30 (CDT), PostgreSQL the second (CST): why the audit also accepts
    // any instant that reads as the window start on the zone's clock.
    expect(temporal('2026-11-01', 1, 30)).toBe('2026-11-01T06:30:00Z');
    expect(pg!.overlap).toBe('2026-11-01T07:30:00Z');
  });
});

describe('auditIntegrity reports each kind of breach with the breaking ids', () => {
  useFreshWorld();

  it('1: a paid order without a job, a job of an unpaid order, and a paid order with two jobs', async () => {
    await asReplica(async (sql) => {
      // Its audit-trail rows still point at it; with triggers off the foreign key does not object.
      await sql`delete from dispatch_jobs where id = ${world.queued.jobId}`;
    });
    await api.t.sql`update orders set payment_status = 'pending', paid_at = null where id = ${world.completed.orderId}`;
    await api.t.sql`alter table dispatch_jobs drop constraint dispatch_jobs_order_id_key`;
    await api.t.sql`
      insert into dispatch_jobs (id, order_id, status, due_at, job_details, lat, lng, timezone, city, state, postal_code)
      select 'JOB-DUPL2222', order_id, status, due_at, job_details, lat, lng, timezone, city, state, postal_code
        from dispatch_jobs where id = ${world.scheduled.jobId}`;

    const report = await audit();

    expect(report.ok).toBe(false);
    expect(idsOf(report, 1)).toEqual(sorted([world.queued.orderId, world.completed.jobId, world.scheduled.orderId]));
    expect(reasonOf(report, 1, world.queued.orderId)).toBe('paid order has no dispatch job');
    expect(reasonOf(report, 1, world.completed.jobId)).toBe(`job's order ${world.completed.orderId} is pending, not paid`);
    expect(reasonOf(report, 1, world.scheduled.orderId)).toBe(`paid order has 2 dispatch jobs: ${sorted(['JOB-DUPL2222', world.scheduled.jobId]).join(', ')}`);
    // 5 paid orders + 6 jobs.
    expect(inv(report, 1).checked).toBe(11);
  });

  it('2: a second accepted assignment, a mismatched assigned_pro_id, an accepted job with no assignment', async () => {
    await api.t.sql`drop index job_assignments_one_accepted_idx`;
    await api.t.sql`insert into job_assignments (id, job_id, pro_id, state) values ('ASG-SECOND2222', ${world.accepted.jobId}, ${world.pro2.userId}, 'accepted')`;
    await api.t.sql`update dispatch_jobs set assigned_pro_id = ${world.pro1.userId} where id = ${world.completed.jobId}`;
    await api.t.sql`update dispatch_jobs set status = 'accepted', assigned_pro_id = ${world.pro1.userId} where id = ${world.queued.jobId}`;

    const report = await audit();

    expect(breached(report)).toEqual([2]);
    expect(idsOf(report, 2)).toEqual(sorted([world.accepted.jobId, world.completed.jobId, world.queued.jobId]));
    expect(reasonOf(report, 2, world.accepted.jobId)).toMatch(/^2 accepted\/completed assignments: .*ASG-SECOND2222/);
    expect(reasonOf(report, 2, world.completed.jobId)).toBe(
      `assigned_pro_id is ${world.pro1.userId} but the accepted assignment ${reasonOf(report, 2, world.completed.jobId).match(/ASG-[A-Z2-7]+/)?.[0]} (${world.pro2.userId}, completed) is for ${world.pro2.userId}`,
    );
    expect(reasonOf(report, 2, world.queued.jobId)).toBe(
      `assigned_pro_id is ${world.pro1.userId} but the job has no accepted assignment; status is accepted but the job has no accepted assignment`,
    );
    expect(inv(report, 2).breaches).toHaveLength(3);
  });

  it('3: a due_at off by an hour, a scheduled job whose order has no slot, a zone PostgreSQL does not know', async () => {
    await api.t.sql`update dispatch_jobs set due_at = due_at + interval '1 hour' where id = ${world.scheduled.jobId}`;
    await api.t.sql`update dispatch_jobs set status = 'scheduled', due_at = '2026-01-20T15:00:00Z' where id = ${world.queued.jobId}`;
    await api.t.sql`update orders set schedule_timezone = 'Mars/Olympus_Mons' where id = ${world.phoenix.orderId}`;

    const report = await audit();

    expect(breached(report)).toEqual([3]);
    expect(idsOf(report, 3)).toEqual(sorted([world.scheduled.jobId, world.queued.jobId, world.phoenix.jobId]));
    expect(reasonOf(report, 3, world.scheduled.jobId)).toBe(
      'due_at 2026-01-15T19:00:00Z but 2026-01-15 12pm - 3pm America/Chicago starts at 2026-01-15T18:00:00Z',
    );
    expect(reasonOf(report, 3, world.queued.jobId)).toBe(`job is scheduled but order ${world.queued.orderId} has no slot`);
    expect(reasonOf(report, 3, world.phoenix.jobId)).toBe('timezone "Mars/Olympus_Mons" is unknown to PostgreSQL');
    expect(inv(report, 3).checked).toBe(5);
  });

  it('4: job_details empty, spaces only, tabs and newlines only, invisible characters only', async () => {
    // Dropped first: whether the migration's check catches every case below is not what is tested here.
    await api.t.sql`alter table dispatch_jobs drop constraint dispatch_jobs_job_details_check`;
    await api.t.sql`update dispatch_jobs set job_details = ${'\t\n  \r\n'} where id = ${world.queued.jobId}`;
    await api.t.sql`update dispatch_jobs set job_details = '   ' where id = ${world.scheduled.jobId}`;
    await api.t.sql`update dispatch_jobs set job_details = '' where id = ${world.accepted.jobId}`;
    await api.t.sql`update dispatch_jobs set job_details = ${'\u00a0\u200b '} where id = ${world.completed.jobId}`;

    const report = await audit();

    expect(breached(report)).toEqual([4]);
    expect(idsOf(report, 4)).toEqual(sorted([world.queued.jobId, world.scheduled.jobId, world.accepted.jobId, world.completed.jobId]));
    expect(reasonOf(report, 4, world.accepted.jobId)).toBe('job_details is empty');
    expect(reasonOf(report, 4, world.completed.jobId)).toBe('job_details is blank (whitespace only)');
  });

  it('5: a missing file, a wrong size, a wrong hash, and two uploads of one job with one sha256', async () => {
    const [a, b, c] = world.uploads as [World['uploads'][number], World['uploads'][number], World['uploads'][number]];
    rmSync(join(api.uploadDir, a.key));
    appendFileSync(join(api.uploadDir, b.key), 'trailing bytes');
    const flipped = Buffer.from(c.bytes);
    const at = flipped.length - 3;
    flipped[at] = flipped[at]! ^ 0xff;
    writeFileSync(join(api.uploadDir, c.key), flipped);
    // A second row with b's hash under another key, its own file intact: only the duplicate shows for it.
    await api.t.sql`alter table customer_uploads drop constraint customer_uploads_job_sha256_key`;
    const dupKey = b.key.replace(/\.jpg$/, '.png');
    writeFileSync(join(api.uploadDir, dupKey), readFileSync(join(api.uploadDir, b.key)).subarray(0, b.bytes.length));
    await api.t.sql`
      insert into customer_uploads (id, job_id, storage_key, url, file_size, mime_type, original_filename, sha256, uploaded_by)
      select 'UPL-DUPLICATE2', job_id, ${dupKey}, 'local:' || ${dupKey}, file_size, 'image/png', 'copy.png', sha256, uploaded_by
        from customer_uploads where id = ${b.id}`;

    const report = await audit();

    expect(breached(report)).toEqual([5]);
    expect(idsOf(report, 5)).toEqual(sorted([a.id, b.id, c.id, 'UPL-DUPLICATE2']));
    expect(reasonOf(report, 5, a.id)).toBe(`stored file ${a.key} is missing`);
    expect(reasonOf(report, 5, b.id)).toMatch(
      new RegExp(`^stored file has ${b.bytes.length + 14} bytes, the row records ${b.bytes.length}; stored file hashes to [0-9a-f]{12}…, the row records ${sha256(b.bytes).slice(0, 12)}…; job ${b.jobId} has the same sha256 ${sha256(b.bytes).slice(0, 12)}… in UPL-DUPLICATE2$`),
    );
    expect(reasonOf(report, 5, c.id)).toBe(`stored file hashes to ${sha256(flipped).slice(0, 12)}…, the row records ${sha256(c.bytes).slice(0, 12)}…`);
    expect(reasonOf(report, 5, 'UPL-DUPLICATE2')).toBe(`job ${b.jobId} has the same sha256 ${sha256(b.bytes).slice(0, 12)}… in ${b.id}`);
    expect(inv(report, 5)).toMatchObject({ checked: 5 });
  });

  it('5: does not blame an upload removed (row and file) while its file was being read', async () => {
    const [a] = world.uploads;
    const storage = api.server.deps.storage;
    // The customer removes photo a between the snapshot and the file check.
    const racing: typeof storage = {
      ...storage,
      async get(key) {
        if (key === a!.key) {
          await api.t.sql`delete from customer_uploads where id = ${a!.id}`;
          await storage.remove(key);
        }
        return storage.get(key);
      },
    };

    const report = await auditIntegrity({ db: api.t.db, storage: racing });

    expect(report.ok).toBe(true);
    expect(inv(report, 5)).toMatchObject({ checked: 4, breaches: [] });
  });

  it('7: a pro with two live assignments in overlapping windows (the exclusion constraint dropped)', async () => {
    await api.t.sql`alter table job_assignments drop constraint job_assignments_pro_window_excl`;
    await api.t.sql`update dispatch_jobs set status = 'accepted', assigned_pro_id = ${world.pro1.userId} where id = ${world.scheduled.jobId}`;
    await api.t.sql`update orders set schedule_date = '2026-01-16', schedule_time_window = '9am - 12pm' where id = ${world.scheduled.orderId}`;
    await api.t.sql`update dispatch_jobs set due_at = '2026-01-16T15:00:00Z' where id = ${world.scheduled.jobId}`;
    await api.t.sql`insert into job_assignments (id, job_id, pro_id, state) values ('ASG-OVERLAP222', ${world.scheduled.jobId}, ${world.pro1.userId}, 'accepted')`;

    const report = await audit();

    expect(breached(report)).toEqual([7]);
    const [first] = await api.t.sql<{ id: string }[]>`select id from job_assignments where job_id = ${world.accepted.jobId} and state = 'accepted'`;
    expect(idsOf(report, 7)).toEqual(sorted([first!.id, 'ASG-OVERLAP222']));
    expect(reasonOf(report, 7, 'ASG-OVERLAP222')).toBe(`pro ${world.pro1.userId} also holds ${first!.id} (job ${world.accepted.jobId}) in an overlapping window`);
  });

  it('8: an assigned pro who lacks a skill of the job\'s bundles', async () => {
    await api.t.sql`update pros set skills = '{smart-home}' where user_id = ${world.pro1.userId}`;

    const report = await audit();

    expect(breached(report)).toEqual([8]);
    const [assignment] = await api.t.sql<{ id: string }[]>`select id from job_assignments where job_id = ${world.accepted.jobId}`;
    expect(idsOf(report, 8)).toEqual([assignment!.id]);
    expect(reasonOf(report, 8, assignment!.id)).toBe(`pro ${world.pro1.userId} lacks wall-mount`);
  });

  it('9: two refunds of one order, a cancelled order whose job is still live, a refund of an order not cancelled', async () => {
    await (await api.caller(world.scheduled.customer)).orders.cancel({ orderId: world.scheduled.orderId });
    expect(breached(await audit())).toEqual([]);
    await api.t.sql`alter table refunds drop constraint refunds_order_id_key`;
    await api.t.sql`insert into refunds (id, order_id, amount_cents, mode) values ('REF-SECOND2222', ${world.scheduled.orderId}, 100, 'test')`;
    await api.t.sql`update orders set cancelled_at = now() where id = ${world.accepted.orderId}`;
    await api.t.sql`insert into refunds (id, order_id, amount_cents, mode) values ('REF-NOTCANCEL2', ${world.queued.orderId}, 100, 'test')`;

    const report = await audit();

    expect(breached(report)).toEqual([9]);
    expect(idsOf(report, 9)).toEqual(sorted([world.scheduled.orderId, world.accepted.orderId, world.queued.orderId]));
    expect(reasonOf(report, 9, world.scheduled.orderId)).toMatch(/^refunded 2 times: REF-.*REF-SECOND2222$/);
    expect(reasonOf(report, 9, world.accepted.orderId)).toMatch(/job JOB-\w+ is accepted; .*still has live assignment ASG-\w+ .*; cancelled order has no refund/);
    expect(reasonOf(report, 9, world.queued.orderId)).toMatch(/for an order that is not cancelled/);
  });

  it('6: a Stripe event recorded twice, and a paid order with no event that paid it', async () => {
    const [event] = await api.t.sql<{ id: string }[]>`select id from stripe_events where order_id = ${world.scheduled.orderId}`;
    await api.t.sql`alter table stripe_events drop constraint stripe_events_pkey`;
    await api.t.sql`insert into stripe_events (id, type, order_id) select id, type, order_id from stripe_events where id = ${event!.id}`;
    await api.t.sql`delete from stripe_events where order_id = ${world.dstDay.orderId}`;

    const report = await audit();

    expect(breached(report)).toEqual([6]);
    expect(idsOf(report, 6)).toEqual(sorted([event!.id, world.dstDay.orderId]));
    expect(reasonOf(report, 6, event!.id)).toBe(`Stripe event recorded 2 times (orders: ${world.scheduled.orderId}, ${world.scheduled.orderId})`);
    expect(reasonOf(report, 6, world.dstDay.orderId)).toBe('paid order has no recorded Stripe event that pays it');
    // 6 event rows (one duplicated, one deleted) + 6 paid orders.
    expect(inv(report, 6).checked).toBe(12);
  });

  it('10: a notification recorded twice, and a message logged as sent twice', async () => {
    const [n] = await api.t.sql<{ key: string }[]>`select idempotency_key as key from email_notifications where order_id = ${world.scheduled.orderId} and kind = 'scheduled'`;
    await api.t.sql`alter table email_notifications drop constraint email_notifications_idempotency_key_key`;
    await api.t.sql`insert into email_notifications (idempotency_key, kind, order_id, job_id, data) select idempotency_key, kind, order_id, job_id, data from email_notifications where idempotency_key = ${n!.key}`;
    await api.t.sql`alter table outbound_emails drop constraint outbound_emails_idempotency_key_key`;
    await api.t.sql`insert into outbound_emails (to_address, subject, body, idempotency_key) values ('a@example.com', 'Hi', 'Hi', 'order_confirmed:X'), ('a@example.com', 'Hi', 'Hi', 'order_confirmed:X')`;

    const report = await audit();

    expect(breached(report)).toEqual([10]);
    expect(idsOf(report, 10)).toEqual(sorted([n!.key, 'order_confirmed:X']));
    expect(reasonOf(report, 10, n!.key)).toBe('notification recorded 2 times');
    expect(reasonOf(report, 10, 'order_confirmed:X')).toBe('message logged as sent 2 times; message logged as sent but its notification is not marked sent');
  });
});

describe('formatReport', () => {
  it('lists at most 20 ids per invariant, then how many more', async () => {
    const breaches = Array.from({ length: 25 }, (_, i) => ({ id: `JOB-${String(i).padStart(8, 'A')}`, reason: 'job_details is empty' }));
    const report: Report = {
      ok: false,
      breachCount: 25,
      startedAt: '2026-01-09T15:00:00.000Z',
      durationMs: 12,
      invariants: [{ number: 4, key: 'job-details', name: INVARIANT_NAMES[4], checked: 40, breaches }],
    };
    const text = formatReport(report);

    expect(text.match(/^ {7}- JOB-/gm)).toHaveLength(20);
    expect(text).toContain(`- ${breaches[19]!.id}: job_details is empty`);
    expect(text).not.toContain(breaches[20]!.id);
    expect(text).toContain('and 5 more');
    expect(text).toContain('[BREACH] 4. job_details is never empty\n       40 rows checked, 25 breaking');
    expect(text).toMatch(/Summary: 1 of 1 invariants breached by 25 rows/);
  });
});

describe('pnpm integrity (the CLI)', () => {
  useFreshWorld();

  function runCli(): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: api.t.url, UPLOAD_DIR: api.uploadDir };
    delete env.UPLOADTHING_TOKEN;
    return new Promise((resolve, reject) => {
      const child = spawn(join(import.meta.dirname, '../node_modules/.bin/tsx'), ['src/cli/integrity.ts'], {
        cwd: join(import.meta.dirname, '..'),
        env,
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('exit', (code) => resolve({ code, stdout, stderr }));
    });
  }

  it('exits 0 on a clean database and 1, naming the row, after a breach', async () => {
    const clean = await runCli();
    expect(clean.stderr).toBe('');
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain(`files in ${api.uploadDir}`);
    expect(clean.stdout).toMatch(/\[ok\] 5\. Every upload has its stored file.*\n {7}4 rows checked, 0 breaking/);
    expect(clean.stdout).toContain('Summary: all 10 invariants hold');

    await api.t.sql`update dispatch_jobs set due_at = due_at - interval '1 hour' where id = ${world.accepted.jobId}`;
    const broken = await runCli();
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain(`[BREACH] 3. ${INVARIANT_NAMES[3]}`);
    expect(broken.stdout).toContain(`- ${world.accepted.jobId}: due_at 2026-01-16T14:00:00Z but 2026-01-16 9am - 12pm America/Chicago starts at 2026-01-16T15:00:00Z`);
    expect(broken.stdout).toMatch(/Summary: 1 of 10 invariants breached by 1 rows/);
  }, 120_000);
});
