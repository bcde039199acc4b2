/** Invariant 12: a job has at most one rating, from its order's customer, for the pro who led it. */
import { sql, type DbOrTx } from '@h2s/db';
import { count, invariant, rows, type InvariantReport, type Row } from './report';

export async function oneRatingFromItsCustomer(tx: DbOrTx): Promise<InvariantReport> {
  const checked = await count(tx, sql`select count(*) as n from job_ratings`);
  const found = await rows<Row>(
    tx,
    sql`
      select job_id as id, 'rated ' || count(*) || ' times' as reason
        from job_ratings group by job_id having count(*) > 1
      union all
      select r.job_id, 'rating for order ' || r.order_id || ' but the job belongs to ' || coalesce(j.order_id, 'no order')
        from job_ratings r left join dispatch_jobs j on j.id = r.job_id where j.order_id is distinct from r.order_id
      union all
      select r.job_id, 'rated by ' || r.customer_user_id || ', not the order''s customer ' || o.customer_user_id
        from job_ratings r join orders o on o.id = r.order_id where o.customer_user_id <> r.customer_user_id
      union all
      select r.job_id, 'rating for a job that is ' || j.status
        from job_ratings r join dispatch_jobs j on j.id = r.job_id where j.status not in ('completed', 'in_progress')`,
  );
  return invariant(12, 'one-rating-from-customer', checked, found);
}
