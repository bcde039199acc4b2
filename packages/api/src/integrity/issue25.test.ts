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
});
