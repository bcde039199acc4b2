/**
 * Invariant 11: a crew job never has more seats than its crew size, nor one pro in two seats; its counter
 * and lead agree; every seat-holder of a live job holds a live visit of their own (placed once the job is
 * scheduled, so invariant 7 keeps it apart from their other visits), and nobody else holds a seated one.
 */
import { sql, type DbOrTx } from '@h2s/db';
import { count, invariant, rows, type InvariantReport, type Row } from './report';

export async function crewSeatsWithinSize(tx: DbOrTx): Promise<InvariantReport> {
  const checked = await count(tx, sql`select count(*) as n from dispatch_jobs where crew_size > 1`);
  const found = await rows<Row>(
    tx,
    sql`
      select j.id, count(s.*) || ' seats held on a crew of ' || j.crew_size as reason
        from dispatch_jobs j join job_crew_seats s on s.job_id = j.id
       group by j.id, j.crew_size having count(s.*) > j.crew_size
      union all
      select s.job_id, 'pro ' || s.pro_id || ' holds ' || count(*) || ' seats'
        from job_crew_seats s group by s.job_id, s.pro_id having count(*) > 1
      union all
      select s.job_id, 'seat ' || s.seat || ' outside the crew of ' || j.crew_size
        from job_crew_seats s join dispatch_jobs j on j.id = s.job_id where s.seat not between 1 and j.crew_size
      union all
      select j.id, 'seats_taken is ' || j.seats_taken || ' but ' || (select count(*) from job_crew_seats s where s.job_id = j.id) || ' seats are held'
        from dispatch_jobs j where j.seats_taken <> (select count(*) from job_crew_seats s where s.job_id = j.id)
      union all
      select j.id, 'assigned to ' || j.assigned_pro_id || ' but the lead seat is ' || coalesce(s.pro_id, 'empty')
        from dispatch_jobs j left join job_crew_seats s on s.job_id = j.id and s.seat = 1
       where j.crew_size > 1 and j.assigned_pro_id is not null and s.pro_id is distinct from j.assigned_pro_id
      union all
      select j.id, 'assigned with ' || j.seats_taken || ' of ' || j.crew_size || ' seats filled'
        from dispatch_jobs j
       where j.crew_size > 1 and j.assigned_pro_id is not null and j.seats_taken < j.crew_size
      union all
      select s.job_id, 'seat ' || s.seat || ' holder ' || s.pro_id || case when a.id is null then ' has no live visit row' else ' has no planned visit' end
        from job_crew_seats s join dispatch_jobs j on j.id = s.job_id
        left join job_assignments a on a.job_id = s.job_id and a.pro_id = s.pro_id and a.state in ('accepted', 'seated')
       where j.status not in ('completed', 'cancelled') and (a.id is null or (j.due_at is not null and a.visit_range is null))
      union all
      select a.job_id, 'pro ' || a.pro_id || ' holds a seated visit without a seat'
        from job_assignments a
       where a.state = 'seated' and not exists (select 1 from job_crew_seats s where s.job_id = a.job_id and s.pro_id = a.pro_id)`,
  );
  return invariant(11, 'crew-seats', checked, found);
}
