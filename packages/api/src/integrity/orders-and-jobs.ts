/** Invariants 1, 2 and 4: paid orders and their one job, the job's one accepted assignment, readable job details. */
import { BLANK_CHARACTERS, sql, type DbOrTx } from '@h2s/db';
import { count, invariant, rows, type InvariantReport, type Row } from './report';

/** 1. Paid orders have exactly one job; and no job hangs off an order that is not paid (or is gone). */
export async function paidOrdersHaveOneJob(tx: DbOrTx): Promise<InvariantReport> {
  const checked = await count(
    tx,
    sql`select (select count(*) from orders where payment_status = 'paid') + (select count(*) from dispatch_jobs) as n`,
  );
  const found = await rows<Row>(
    tx,
    sql`
      select o.id,
             case when count(j.id) = 0 then 'paid order has no dispatch job'
                  else 'paid order has ' || count(j.id) || ' dispatch jobs: ' || string_agg(j.id, ', ' order by j.id) end as reason
        from orders o
        left join dispatch_jobs j on j.order_id = o.id
       where o.payment_status = 'paid'
       group by o.id
      having count(j.id) <> 1
      union all
      select j.id,
             case when j.order_id is null then 'job has no order_id'
                  when o.id is null then 'job''s order ' || j.order_id || ' does not exist'
                  else 'job''s order ' || o.id || ' is ' || coalesce(o.payment_status, 'null') || ', not paid' end
        from dispatch_jobs j
        left join orders o on o.id = j.order_id
       where o.id is null or o.payment_status is distinct from 'paid'`,
  );
  return invariant(1, 'paid-order-job', checked, found);
}

/**
 * 2. At most one live (accepted or completed) assignment per job, and the job row agrees with it:
 * assigned_pro_id is that assignment's pro, and an accepted/completed job has one.
 */
export async function oneAcceptedAssignment(tx: DbOrTx): Promise<InvariantReport> {
  const checked = await count(tx, sql`select count(*) as n from dispatch_jobs`);
  const found = await rows<Row>(
    tx,
    sql`
      with live as (
        select job_id, count(*) as n, min(pro_id) as pro_id,
               string_agg(id || ' (' || pro_id || ', ' || state || ')', ', ' order by assigned_at, id) as list
          from job_assignments
         where state in ('accepted', 'completed')
         group by job_id
      )
      select j.id,
             concat_ws('; ',
               case when l.n > 1 then l.n || ' accepted/completed assignments: ' || l.list end,
               case when l.n = 1 and j.assigned_pro_id is distinct from l.pro_id
                    then 'assigned_pro_id is ' || coalesce(j.assigned_pro_id, 'null') || ' but the accepted assignment ' || l.list || ' is for ' || l.pro_id end,
               case when l.n is null and j.assigned_pro_id is not null
                    then 'assigned_pro_id is ' || j.assigned_pro_id || ' but the job has no accepted assignment' end,
               case when l.n is null and j.status in ('accepted', 'en_route', 'in_progress', 'completed')
                    then 'status is ' || j.status || ' but the job has no accepted assignment' end
             ) as reason
        from dispatch_jobs j
        left join live l on l.job_id = j.id
       where l.n > 1
          or (l.n = 1 and j.assigned_pro_id is distinct from l.pro_id)
          or (l.n is null and (j.assigned_pro_id is not null or j.status in ('accepted', 'en_route', 'in_progress', 'completed')))
      union all
      select a.id, 'accepted assignment for job ' || a.job_id || ', which does not exist'
        from job_assignments a
        left join dispatch_jobs j on j.id = a.job_id
       where j.id is null and a.state in ('accepted', 'completed')`,
  );
  return invariant(2, 'one-accepted-assignment', checked, found);
}

/**
 * 4. job_details holds something a pro can read: not only spaces, but no text made only of any
 * whitespace, no-break or zero-width characters (the schema's BLANK_CHARACTERS), which btrim()'s
 * default and the C locale's [[:space:]] would let through.
 */
export async function jobDetailsNotBlank(tx: DbOrTx): Promise<InvariantReport> {
  const checked = await count(tx, sql`select count(*) as n from dispatch_jobs`);
  const found = await rows<Row>(
    tx,
    sql`
      select id, case when job_details is null then 'job_details is null'
                      when job_details = '' then 'job_details is empty'
                      else 'job_details is blank (whitespace only)' end as reason
        from dispatch_jobs
       where job_details is null or btrim(job_details, ${BLANK_CHARACTERS}) = ''`,
  );
  return invariant(4, 'job-details', checked, found);
}
