/** Invariants 7 and 8: no pro in two places at once, every assigned pro holds the job's skills. */
import { WINDOW_HOURS, sql, type DbOrTx } from '@h2s/db';
import { count, invariant, rows, type InvariantReport, type Row } from './report';

/**
 * 7. Windows recomputed from each job's due_at, not read from the exclusion constraint's own
 * window_range column: no two accepted assignments of one pro overlap.
 */
export async function noOverlappingAssignments(tx: DbOrTx): Promise<InvariantReport> {
  const live = sql`
    select a.id, a.pro_id, a.job_id,
           case when j.due_at is not null then tstzrange(j.due_at, j.due_at + make_interval(hours => ${WINDOW_HOURS}), '[)') end as span
      from job_assignments a join dispatch_jobs j on j.id = a.job_id
     where a.state = 'accepted'`;
  const checked = await count(tx, sql`select count(*) as n from (${live}) l`);
  const found = await rows<Row>(
    tx,
    sql`
      with l as (${live})
      select x.id, 'pro ' || x.pro_id || ' also holds ' || y.id || ' (job ' || y.job_id || ') in an overlapping window' as reason
        from l x join l y on y.pro_id = x.pro_id and y.id <> x.id and x.span && y.span`,
  );
  return invariant(7, 'no-overlapping-assignments', checked, found);
}

/** 8. A live or completed assignment's pro holds every skill of the job's bundles (read from the catalog). */
export async function assignedProsHoldSkills(tx: DbOrTx): Promise<InvariantReport> {
  const needed = sql`
    select a.id, a.pro_id, p.skills as has,
           array(select distinct s from jsonb_array_elements(o.items) i join bundles b on b.sku = i->>'sku', unnest(b.skills) s
                  union select unnest(j.skills)) as needs
      from job_assignments a
      join dispatch_jobs j on j.id = a.job_id
      join orders o on o.id = j.order_id
      join pros p on p.user_id = a.pro_id
     where a.state in ('accepted', 'completed')`;
  const checked = await count(tx, sql`select count(*) as n from job_assignments where state in ('accepted', 'completed')`);
  const found = await rows<Row>(
    tx,
    sql`
      select id, 'pro ' || pro_id || ' lacks ' || array_to_string(array(select unnest(needs) except select unnest(has) order by 1), ', ') as reason
        from (${needed}) n
       where not has @> needs`,
  );
  return invariant(8, 'assigned-pro-skills', checked, found);
}
