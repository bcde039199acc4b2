/**
 * Double bookings, watched while the day runs: right after every claim or assignment, the pro's live
 * assignments must not overlap in the time the system reserves for them (the planned visit, drive
 * included, where the schema has one; else the booked window). Checked at that instant because the
 * system may move a reservation later (a visit running late); afterwards, one job held by two pros.
 */
import { sql, type Database } from '@h2s/db';
import type { SimPro, SimState } from './state';

const visitColumns = new WeakMap<Database, Promise<boolean>>();

function hasVisitRanges(db: Database): Promise<boolean> {
  let known = visitColumns.get(db);
  if (!known) {
    known = db
      .execute<{ n: number }>(
        sql`select count(*)::int as n from information_schema.columns where table_name = 'job_assignments' and column_name = 'visit_range'`,
      )
      .then((rows) => (rows[0]?.n ?? 0) > 0);
    visitColumns.set(db, known);
  }
  return known;
}

export const doubleBookings = new WeakMap<SimState, string[]>();

export async function checkHoldings(state: SimState, pro: SimPro): Promise<void> {
  const db = state.world.server.deps.db;
  const span = (await hasVisitRanges(db)) ? 'coalesce(a.visit_range, a.window_range)' : 'a.window_range';
  const found = await db.execute<{ detail: string }>(sql`
    with live as (
      select a.id, a.job_id, ${sql.raw(span)} as span from job_assignments a
       where a.pro_id = ${pro.viewer.userId} and a.state = 'accepted')
    select ${pro.viewer.userId} || ' holds ' || x.job_id || ' ' || x.span::text || ' and ' || y.job_id || ' ' || y.span::text as detail
      from live x join live y on x.id < y.id and x.span && y.span`);
  if (!found.length) return;
  const list = doubleBookings.get(state) ?? [];
  list.push(...found.map((f) => `at ${state.world.clock.now().toISOString()}: pro ${f.detail}`));
  doubleBookings.set(state, list);
}

/** After the day: jobs held (live or done) by more than one pro. */
export async function jobsHeldTwice(state: SimState): Promise<string[]> {
  const rows = await state.world.server.deps.db.execute<{ detail: string }>(sql`
    select 'job ' || job_id || ' held by ' || count(*) || ' pros' as detail
      from job_assignments where state in ('accepted', 'completed') group by job_id having count(*) > 1`);
  return rows.map((r) => r.detail);
}
