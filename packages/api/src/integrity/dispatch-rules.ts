/** Invariants 7 and 8: no pro in two places at once, every assigned pro holds the job's skills. */
import { WINDOW_HOURS, sql, type DbOrTx } from '@h2s/db';
import { count, invariant, rows, type InvariantReport, type Row } from './report';

/**
 * 7. Visits recomputed from each live assignment's planned columns, not read from the exclusion
 * constraint's own visit_range: no two of a pro's live visits overlap, the drive to each included; a
 * planned visit starts inside its job's window.
 */
export async function noOverlappingAssignments(tx: DbOrTx): Promise<InvariantReport> {
  const live = sql`
    select a.id, a.pro_id, a.job_id, j.due_at, a.planned_start,
           case when a.planned_end is not null
                then tstzrange(a.planned_arrival - make_interval(mins => coalesce(a.drive_minutes, 0)), a.planned_end, '[)') end as span
      from job_assignments a join dispatch_jobs j on j.id = a.job_id
     where a.state in ('accepted', 'seated')`;
  const checked = await count(tx, sql`select count(*) as n from (${live}) l`);
  const found = await rows<Row>(
    tx,
    sql`
      with l as (${live})
      select x.id, 'pro ' || x.pro_id || ' also holds ' || y.id || ' (job ' || y.job_id || ') in an overlapping visit' as reason
        from l x join l y on y.pro_id = x.pro_id and y.id <> x.id and x.span && y.span
      union all
      select id, 'the planned visit of job ' || job_id || ' starts outside its window' as reason from l
       where due_at is not null and planned_start is not null
         and (planned_start < due_at or planned_start > due_at + make_interval(hours => ${WINDOW_HOURS}))`,
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
     where a.state in ('accepted', 'completed', 'seated', 'seat_completed')`;
  const checked = await count(
    tx,
    sql`select count(*) as n from job_assignments where state in ('accepted', 'completed', 'seated', 'seat_completed')`,
  );
  const found = await rows<Row>(
    tx,
    sql`
      select id, 'pro ' || pro_id || ' lacks ' || array_to_string(array(select unnest(needs) except select unnest(has) order by 1), ', ') as reason
        from (${needed}) n
       where not has @> needs`,
  );
  return invariant(8, 'assigned-pro-skills', checked, found);
}
