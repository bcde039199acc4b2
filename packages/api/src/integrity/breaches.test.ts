import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditIntegrity } from './index';
import { api, asReplica, audit, breached, idsOf, inv, reasonOf, sha256, sorted, useFreshWorld, world, type World } from './test-world';

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
    expect(reasonOf(report, 1, world.scheduled.orderId)).toBe(
      `paid order has 2 dispatch jobs: ${sorted(['JOB-DUPL2222', world.scheduled.jobId]).join(', ')}`,
    );
    // 5 paid orders + 6 jobs.
    expect(inv(report, 1).checked).toBe(11);
  });

  it('2: a second accepted assignment, a mismatched assigned_pro_id, an accepted job with no assignment', async () => {
    await api.t.sql`drop index job_assignments_one_accepted_idx`;
    await api.t
      .sql`insert into job_assignments (id, job_id, pro_id, state) values ('ASG-SECOND2222', ${world.accepted.jobId}, ${world.pro2.userId}, 'accepted')`;
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
      new RegExp(
        `^stored file has ${b.bytes.length + 14} bytes, the row records ${b.bytes.length}; stored file hashes to [0-9a-f]{12}…, the row records ${sha256(b.bytes).slice(0, 12)}…; job ${b.jobId} has the same sha256 ${sha256(b.bytes).slice(0, 12)}… in UPL-DUPLICATE2$`,
      ),
    );
    expect(reasonOf(report, 5, c.id)).toBe(
      `stored file hashes to ${sha256(flipped).slice(0, 12)}…, the row records ${sha256(c.bytes).slice(0, 12)}…`,
    );
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

  it('7: a pro with two live visits that overlap (the exclusion constraint dropped)', async () => {
    await api.t.sql`alter table job_assignments drop constraint job_assignments_pro_visit_excl`;
    await api.t
      .sql`update dispatch_jobs set status = 'accepted', assigned_pro_id = ${world.pro1.userId} where id = ${world.scheduled.jobId}`;
    await api.t
      .sql`update orders set schedule_date = '2026-01-16', schedule_time_window = '9am - 12pm' where id = ${world.scheduled.orderId}`;
    await api.t.sql`update dispatch_jobs set due_at = '2026-01-16T15:00:00Z' where id = ${world.scheduled.jobId}`;
    await api.t
      .sql`insert into job_assignments (id, job_id, pro_id, state, planned_arrival, planned_start, planned_end, drive_minutes, visit_range)
           values ('ASG-OVERLAP222', ${world.scheduled.jobId}, ${world.pro1.userId}, 'accepted', '2026-01-16T15:00:00Z', '2026-01-16T15:00:00Z',
                   '2026-01-16T16:00:00Z', 0, tstzrange('2026-01-16T15:00:00Z', '2026-01-16T16:00:00Z'))`;

    const report = await audit();

    expect(breached(report)).toEqual([7]);
    const [first] = await api.t.sql<
      { id: string }[]
    >`select id from job_assignments where job_id = ${world.accepted.jobId} and state = 'accepted'`;
    expect(idsOf(report, 7)).toEqual(sorted([first!.id, 'ASG-OVERLAP222']));
    expect(reasonOf(report, 7, 'ASG-OVERLAP222')).toBe(
      `pro ${world.pro1.userId} also holds ${first!.id} (job ${world.accepted.jobId}) in an overlapping visit`,
    );
  });

  it("8: an assigned pro who lacks a skill of the job's bundles", async () => {
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
    await api.t
      .sql`insert into refunds (id, order_id, amount_cents, mode) values ('REF-SECOND2222', ${world.scheduled.orderId}, 100, 'test')`;
    await api.t.sql`update orders set cancelled_at = now() where id = ${world.accepted.orderId}`;
    await api.t.sql`insert into refunds (id, order_id, amount_cents, mode) values ('REF-NOTCANCEL2', ${world.queued.orderId}, 100, 'test')`;

    const report = await audit();

    expect(breached(report)).toEqual([9]);
    expect(idsOf(report, 9)).toEqual(sorted([world.scheduled.orderId, world.accepted.orderId, world.queued.orderId]));
    expect(reasonOf(report, 9, world.scheduled.orderId)).toMatch(/^refunded 2 times: REF-.*REF-SECOND2222$/);
    expect(reasonOf(report, 9, world.accepted.orderId)).toMatch(
      /job JOB-\w+ is accepted; .*still has live assignment ASG-\w+ .*; cancelled order has no refund/,
    );
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
    expect(reasonOf(report, 6, event!.id)).toBe(
      `Stripe event recorded 2 times (orders: ${world.scheduled.orderId}, ${world.scheduled.orderId})`,
    );
    expect(reasonOf(report, 6, world.dstDay.orderId)).toBe('paid order has no recorded Stripe event that pays it');
    // 6 event rows (one duplicated, one deleted) + 6 paid orders.
    expect(inv(report, 6).checked).toBe(12);
  });

  it('10: a notification recorded twice, and a message logged as sent twice', async () => {
    const [n] = await api.t.sql<
      { key: string }[]
    >`select idempotency_key as key from email_notifications where order_id = ${world.scheduled.orderId} and kind = 'scheduled'`;
    await api.t.sql`alter table email_notifications drop constraint email_notifications_idempotency_key_key`;
    await api.t
      .sql`insert into email_notifications (idempotency_key, kind, order_id, job_id, data) select idempotency_key, kind, order_id, job_id, data from email_notifications where idempotency_key = ${n!.key}`;
    await api.t.sql`alter table outbound_emails drop constraint outbound_emails_idempotency_key_key`;
    await api.t
      .sql`insert into outbound_emails (to_address, subject, body, idempotency_key) values ('a@example.com', 'Hi', 'Hi', 'order_confirmed:X'), ('a@example.com', 'Hi', 'Hi', 'order_confirmed:X')`;

    const report = await audit();

    expect(breached(report)).toEqual([10]);
    expect(idsOf(report, 10)).toEqual(sorted([n!.key, 'order_confirmed:X']));
    expect(reasonOf(report, 10, n!.key)).toBe('notification recorded 2 times');
    expect(reasonOf(report, 10, 'order_confirmed:X')).toBe(
      'message logged as sent 2 times; message logged as sent but its notification is not marked sent',
    );
  });
});
