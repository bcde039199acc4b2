import { TIME_WINDOWS, sql, type DbOrTx } from '@h2s/db';
import { count, invariant, rows, type InvariantReport, type Row } from './report';

/**
 * 3. due_at against the order's slot, computed here by PostgreSQL's own tz database: an
 * independent check of the app's Temporal conversion (windowStartUtc), not a copy of it.
 *
 * DST: the two agree on a start in a spring-forward gap (both use the offset before the gap, so
 * 02:30 in a 02:00→03:00 gap lands on 03:30 daylight time); in a fall-back overlap PostgreSQL picks
 * the later instant and Temporal's 'compatible' the earlier one. So a due_at passes if it equals
 * PostgreSQL's instant or if it reads as the window start on the zone's wall clock (which covers
 * either side of an overlap). Windows start at 9:00, 12:00 and 15:00 and US zones change at 02:00,
 * so for US customers neither case ever happens and the two computations must be identical;
 * integrity.test.ts checks that across a whole year of dates for every US zone.
 *
 * Checked: every job that is not cancelled and is scheduled or whose order has a slot.
 */
export async function dueAtMatchesSchedule(tx: DbOrTx): Promise<InvariantReport> {
  const windows = sql.join(
    Object.entries(TIME_WINDOWS).map(([label, hour]) => sql`(${label}::text, ${hour}::int)`),
    sql`, `,
  );
  const candidates = sql`
    select j.id, j.status, j.due_at, o.id as order_id, o.schedule_status, o.schedule_date,
           o.schedule_time_window, o.schedule_timezone, w.hour, tz.name as known_zone,
           (o.schedule_date + make_time(w.hour, 0, 0)) as local_start
      from dispatch_jobs j
      join orders o on o.id = j.order_id
      left join (values ${windows}) as w(label, hour) on w.label = o.schedule_time_window
      left join (select distinct lower(name) as name from pg_timezone_names) tz on tz.name = lower(o.schedule_timezone)
     where j.status <> 'cancelled' and (o.schedule_status = 'scheduled' or j.status = 'scheduled')`;
  const checked = await count(tx, sql`select count(*) as n from (${candidates}) c`);
  const utc = (column: string) => sql.raw(`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`);
  const found = await rows<Row>(
    tx,
    sql`
      with c as (${candidates}),
      e as (
        select c.*,
               -- CASE keeps AT TIME ZONE away from a zone PostgreSQL does not know (it would raise).
               case when c.known_zone is not null then c.local_start at time zone c.schedule_timezone end as expected,
               case when c.known_zone is not null and c.due_at is not null then c.due_at at time zone c.schedule_timezone end as due_local
          from c
      )
      select id, concat_ws('; ',
               case when schedule_status is distinct from 'scheduled' then 'job is scheduled but order ' || order_id || ' has no slot' end,
               case when schedule_status = 'scheduled' and status = 'queued' then 'order ' || order_id || ' has a slot but the job is still queued' end,
               case when schedule_status = 'scheduled' and hour is null then 'unknown time window "' || coalesce(schedule_time_window, 'null') || '"' end,
               case when schedule_status = 'scheduled' and known_zone is null then 'timezone "' || coalesce(schedule_timezone, 'null') || '" is unknown to PostgreSQL' end,
               case when schedule_status = 'scheduled' and expected is not null and due_at is null
                    then 'due_at is empty, expected ' || ${utc('expected')} end,
               case when expected is not null and due_at is not null and due_at <> expected and due_local <> local_start
                    then 'due_at ' || ${utc('due_at')} || ' but ' || schedule_date || ' ' || schedule_time_window || ' ' || schedule_timezone || ' starts at ' || ${utc('expected')} end
             ) as reason
        from e
       where schedule_status is distinct from 'scheduled'
          or status = 'queued'
          or hour is null
          or known_zone is null
          or due_at is null
          or (due_at <> expected and due_local <> local_start)`,
  );
  return invariant(3, 'due-at-matches-schedule', checked, found);
}
