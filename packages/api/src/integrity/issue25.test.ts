import { describe, expect, it } from 'vitest';
import { asReplica, audit, breached, idsOf, inv, reasonOf, useFreshWorld, world } from './test-world';

describe('auditIntegrity: ratings, texts and crews (issue 25)', () => {
  useFreshWorld();

  it("12: a rating by someone other than the order's customer, and a rating of a job not done", async () => {
    await asReplica(async (sql) => {
      await sql`insert into job_ratings (job_id, order_id, customer_user_id, pro_id, stars)
                values (${world.completed.jobId}, ${world.completed.orderId}, ${world.queued.customer.userId}, ${world.pro2.userId}, 1)`;
      await sql`insert into job_ratings (job_id, order_id, customer_user_id, pro_id, stars)
                values (${world.queued.jobId}, ${world.queued.orderId}, ${world.queued.customer.userId}, ${world.pro2.userId}, 5)`;
    });

    const report = await audit();

    expect(breached(report)).toEqual([12]);
    expect(idsOf(report, 12)).toEqual([world.completed.jobId, world.queued.jobId].sort());
    expect(reasonOf(report, 12, world.completed.jobId)).toBe(
      `rated by ${world.queued.customer.userId}, not the order's customer ${world.completed.customer.userId}`,
    );
    expect(reasonOf(report, 12, world.queued.jobId)).toBe('rating for a job that is queued');
    expect(inv(report, 12).checked).toBe(2);
  });

  it('10: a text sent to a number after it opted out, and one idempotency key used twice', async () => {
    await asReplica(async (sql) => {
      await sql`insert into sms_opt_outs (phone, opted_out_at, keyword) values ('+13125550999', '2026-01-10T00:00:00Z', 'STOP')`;
      await sql`insert into sms_messages (idempotency_key, kind, to_phone, order_id, attempted_at, sent_at, provider_sid, body)
                values ('sms:late', 'scheduled', '+13125550999', ${world.scheduled.orderId}, '2026-01-10T00:00:01Z', '2026-01-10T00:00:02Z', 'SM1', 'hi'),
                       ('sms:early', 'scheduled', '+13125550999', ${world.scheduled.orderId}, '2026-01-09T23:59:59Z', '2026-01-10T00:00:02Z', 'SM2', 'hi')`;
      await sql`alter table sms_messages drop constraint sms_messages_idempotency_key_key`;
      await sql`insert into sms_messages (idempotency_key, kind, to_phone, order_id) values ('sms:twice', 'reminder', '+13125550998', ${world.scheduled.orderId}),
                ('sms:twice', 'reminder', '+13125550998', ${world.scheduled.orderId})`;
    });

    const report = await audit();

    expect(breached(report)).toEqual([10]);
    expect(idsOf(report, 10)).toEqual(['sms:late', 'sms:twice']);
    expect(reasonOf(report, 10, 'sms:late')).toBe('text sent to +13125550999 after it opted out (STOP)');
    expect(reasonOf(report, 10, 'sms:twice')).toBe('text recorded 2 times');
  });

  it('11: a third seat on a two-pro job, a pro in two seats, a counter that disagrees, assigned before every seat is filled', async () => {
    await asReplica(async (sql) => {
      await sql`update dispatch_jobs set crew_size = 2, seats_taken = 1 where id = ${world.queued.jobId}`;
      await sql`alter table job_assignments drop constraint job_assignments_seat_fk`;
      await sql`alter table job_crew_seats drop constraint job_crew_seats_job_pro_key`;
      await sql`alter table job_crew_seats drop constraint job_crew_seats_seat_check`;
      await sql`insert into job_crew_seats (id, job_id, crew_size, seat, pro_id, claimed_at) values
                ('ASG-SEAT1111', ${world.queued.jobId}, 2, 1, ${world.pro1.userId}, now()),
                ('ASG-SEAT2222', ${world.queued.jobId}, 2, 2, ${world.pro1.userId}, now()),
                ('ASG-SEAT3333', ${world.queued.jobId}, 2, 3, ${world.pro2.userId}, now())`;
      await sql`update dispatch_jobs set crew_size = 2, seats_taken = 1 where id = ${world.accepted.jobId}`;
      await sql`insert into job_crew_seats (id, job_id, crew_size, seat, pro_id, claimed_at)
                select 'ASG-SEAT4444', id, 2, 1, assigned_pro_id, now() from dispatch_jobs where id = ${world.accepted.jobId}`;
    });

    const report = await audit();

    expect(breached(report)).toEqual([11]);
    expect(idsOf(report, 11)).toEqual([world.accepted.jobId, world.queued.jobId].sort());
    const queued = reasonOf(report, 11, world.queued.jobId);
    expect(queued).toContain('3 seats held on a crew of 2');
    expect(queued).toContain(`pro ${world.pro1.userId} holds 2 seats`);
    expect(queued).toContain('seat 3 outside the crew of 2');
    expect(queued).toContain('seats_taken is 1 but 3 seats are held');
    expect(queued).toContain(`seat 3 holder ${world.pro2.userId} has no live visit row`);
    expect(reasonOf(report, 11, world.accepted.jobId)).toBe('assigned with 1 of 2 seats filled');
  });
});
