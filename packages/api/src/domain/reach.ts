import { EARTH_RADIUS_MILES } from '@h2s/scoring';
import { sql, WINDOW_HOURS, type SQL } from '@h2s/db';
import { WIDENED_RADIUS_FACTOR } from './policy';

/**
 * Who may be offered (and accept) which job, as SQL over a job row `j` and a pro row `p`: the one
 * definition that offers.list and jobs.accept share. The distance is the scoring package's: the
 * haversine distance rounded to 0.1 mi, compared with the radius (1.5x once the job has widened).
 */
const roundedMiles = (j: string, p: string) =>
  // Whole tenths as the scoring package's Math.round makes them (floor(x + 0.5): halves up), then / 10, all in
  // double precision as the scoring package compares them; round() of a double would round halves to even.
  sql.raw(`floor(2 * ${EARTH_RADIUS_MILES} * asin(least(1, sqrt(
      power(sin(radians(${p}.lat - ${j}.lat) / 2), 2)
      + cos(radians(${j}.lat)) * cos(radians(${p}.lat)) * power(sin(radians(${p}.lng - ${j}.lng) / 2), 2)))) * 10 + 0.5) / 10`);

export const withinReachSql = (j: string, p: string): SQL =>
  sql`${roundedMiles(j, p)} <= ${sql.raw(`${p}.service_radius_miles * (case when ${j}.widened_at is not null then ${WIDENED_RADIUS_FACTOR} else 1 end)`)}`;

/** The pro holds every skill the job needs. */
export const holdsSkillsSql = (j: string, p: string): SQL => sql.raw(`${p}.skills @> ${j}.skills`);

/**
 * A quick prune before the exact fit (dayplan/fit.ts): one live visit of the pro covers the job's
 * whole window and its work, so it cannot fit whatever the route (never true for an unscheduled job).
 */
export const clashesSql = (j: string, proId: SQL | string): SQL =>
  // The due_at test first: an unscheduled job skips the lookup (half of all offers, each a probe of the index).
  sql`(${sql.raw(`${j}.due_at`)} is not null and exists (select 1 from job_assignments busy
               where busy.pro_id = ${proId} and busy.state in ('accepted', 'seated') and busy.job_id <> ${sql.raw(`${j}.id`)}
                 and busy.visit_range @> tstzrange(${sql.raw(`${j}.due_at`)}, ${sql.raw(`${j}.due_at`)} + make_interval(hours => ${sql.raw(String(WINDOW_HOURS))}, mins => ${sql.raw(`${j}.service_minutes`)}), '[)')))`;

/**
 * The job's window falls inside the pro's working hours on that weekday (in the pro's timezone) and
 * not on a day off. An unscheduled job has no window yet: it is shown to everyone in reach.
 * hoursVerdict(...) === 'within' (dayplan/hours.ts) in SQL, so it can filter inside one statement;
 * dayplan/hours-sql.test.ts holds the two to the same answer.
 */
export const withinHoursSql = (j: string, p: string): SQL => {
  const local = `(${j}.due_at at time zone ${p}.timezone)`;
  return sql.raw(`(${j}.due_at is null or (
    exists (select 1 from pro_working_hours h
             where h.pro_id = ${p}.user_id
               and h.weekday = extract(isodow from ${local})::int
               and h.starts_at <= ${local}::time
               and ((${j}.due_at + make_interval(hours => ${WINDOW_HOURS})) at time zone ${p}.timezone) <= ${local}::date + h.ends_at)
    and not exists (select 1 from pro_days_off d where d.pro_id = ${p}.user_id and d.day = ${local}::date)))`);
};
