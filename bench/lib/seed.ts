/**
 * Bulk seeding in SQL (generate_series), shaped like what the app writes: every row satisfies the
 * schema's constraints and the contract's invariants, so `pnpm integrity` passes on a bench database.
 * Ids are ORD-/JOB-/USR- plus base32 of a row number, so separate ranges never collide.
 */
import type { DbHandle } from '@h2s/db';

export type Sql = DbHandle['sql'];

export interface Point {
  lat: number;
  lng: number;
}

/** Chicago (ZIP 60601): where the racing pros and their jobs are. */
export const CHICAGO: Point = { lat: 41.8858, lng: -87.6181 };
/** Central Kansas: far from every cluster, so the offers pro sees only the uniform spread. */
export const KANSAS: Point = { lat: 38.5, lng: -98.35 };
/**
 * Central Nebraska: the uniform spread leaves this box empty (a point drawn inside moves 2° north),
 * and a fixed cluster of jobs sits in it. A pro here has the same candidates at every table size,
 * so their offers.list shows what the table's size alone costs.
 */
export const NEBRASKA: Point = { lat: 41.0, lng: -100.0 };
export const QUIET_HALF = { lat: 1.0, lng: 1.4 };

/** Id ranges: each kind of row gets its own block of row numbers. */
export const RANGE = {
  open: 0,
  raceHttp: 20_000_000,
  raceRaw: 21_000_000,
  scheduleHttp: 22_000_000,
  scheduleRaw: 23_000_000,
  webhookHttp: 24_000_000,
  webhookRaw: 25_000_000,
  upload: 26_000_000,
  fixedCluster: 27_000_000,
  raceDomain: 28_000_000,
} as const;

export const CUSTOMERS = 1000;
export const proId = (n: number) => `USR-PR${b32(n)}`;
export const orderId = (n: number) => `ORD-${b32(n)}`;
export const jobId = (n: number) => `JOB-${b32(n)}`;
export const sessionIdOf = (n: number) => `cs_bench_${n}`;
export const proEmail = (n: number) => `bench-pro-${n}@pros.bench`;

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
/** Same as the SQL bench_b32(): 8 base32 characters, most significant first. */
export function b32(n: number): string {
  let out = '';
  for (let k = 7; k >= 0; k--) out += BASE32[Math.floor(n / 32 ** k) % 32];
  return out;
}

const ITEMS = JSON.stringify([
  {
    sku: 'tv-mount-standard',
    name: 'TV Mounting — up to 65"',
    quantity: 1,
    unitPriceCents: 14900,
    equipment: ['Stud finder', 'Drill and bits', 'Tilting TV mount (32-65")', 'Cable raceway'],
  },
]);
const EQUIPMENT = JSON.stringify(['Stud finder', 'Drill and bits', 'Tilting TV mount (32-65")', 'Cable raceway']);

export async function installHelpers(sql: Sql): Promise<void> {
  await sql.unsafe(`
    create or replace function bench_b32(n bigint) returns text language sql immutable parallel safe as $$
      select string_agg(substr('${BASE32}', ((n >> (5 * k)) & 31)::int + 1, 1), '' order by k desc)
        from generate_series(0, 7) k
    $$`);
  // A rough US time zone from the longitude: enough for realistic local-time slots.
  await sql.unsafe(`
    create or replace function bench_zone(lng double precision) returns text language sql immutable parallel safe as $$
      select case when lng < -114.5 then 'America/Los_Angeles' when lng < -102 then 'America/Denver'
                  when lng < -87.5 then 'America/Chicago' else 'America/New_York' end
    $$`);
}

export async function seedCustomers(sql: Sql): Promise<void> {
  await sql`
    insert into users (id, role, email, name, phone)
    select 'USR-CU' || bench_b32(i), 'customer', 'bench-customer-' || i || '@example.com', 'Bench Customer ' || i, '312-555-0100'
      from generate_series(0, ${CUSTOMERS - 1}::int) i`;
}

/**
 * Pros 0..racers-1 live in Chicago with a 100 mi radius (they race for the Chicago jobs); pro
 * `offersPro` lives in Kansas and `offersPro + 1` in Nebraska, both with a 50 mi radius; the rest
 * are spread over the country.
 */
export async function seedPros(
  sql: Sql,
  options: { count: number; racers: number; offersPro: number; passwordHash: string },
): Promise<void> {
  const { count, racers, offersPro, passwordHash } = options;
  const flatPro = offersPro + 1;
  await sql`
    insert into users (id, role, email, name, password_hash)
    select 'USR-PR' || bench_b32(i), 'pro', 'bench-pro-' || i || '@pros.bench', 'Bench Pro ' || i, ${passwordHash}
      from generate_series(0, ${count - 1}::int) i`;
  await sql`
    insert into pros (user_id, postal_code, city, state, lat, lng, timezone, service_radius_miles)
    select 'USR-PR' || bench_b32(i), '60601', 'Chicago', 'IL', lat, lng, bench_zone(lng), radius
      from (
        select i,
               case when i < ${racers}::int then ${CHICAGO.lat}::float8 + (random() - 0.5) * 0.1
                    when i = ${offersPro}::int then ${KANSAS.lat}::float8
                    when i = ${flatPro}::int then ${NEBRASKA.lat}::float8 else 25 + random() * 24 end as lat,
               case when i < ${racers}::int then ${CHICAGO.lng}::float8 + (random() - 0.5) * 0.1
                    when i = ${offersPro}::int then ${KANSAS.lng}::float8
                    when i = ${flatPro}::int then ${NEBRASKA.lng}::float8 else -124 + random() * 57 end as lng,
               case when i < ${racers}::int then 100 when i in (${offersPro}::int, ${flatPro}::int) then 50
                    else 25 + floor(random() * 76)::int end as radius
          from generate_series(0, ${count - 1}::int) i
      ) p`;
  // Around the clock every day: offers are measured against a query that knows no working hours.
  await sql`
    insert into pro_working_hours (pro_id, weekday, starts_at, ends_at)
    select 'USR-PR' || bench_b32(i), d, time '00:00', time '23:59'
      from generate_series(0, ${count - 1}::int) i, generate_series(1, 7) d`;
}

export interface JobBatch {
  /** First row number; ids are derived from it. */
  from: number;
  count: number;
  /** Uniform over the continental US, or within ±spread degrees of a point. */
  where: 'us' | { center: Point; spread: number };
  /** Share of jobs with a booked slot in the next 7 days (status scheduled). */
  scheduledShare: number;
  /** Paid with a job (default), or checked out and not yet paid (no job). */
  payment?: 'paid' | 'pending';
  /** Accept each job for one of these pros (round robin), with its assignment row. */
  acceptedBy?: string[];
}

/**
 * Orders (+ a dispatch job and the Stripe event that paid it, when paid) in one transaction. The
 * due_at of a scheduled job is computed the way the audit checks it, from the order's local slot.
 */
export async function seedJobs(sql: Sql, batch: JobBatch): Promise<void> {
  const { from, count } = batch;
  if (count <= 0) return;
  const paid = (batch.payment ?? 'paid') === 'paid';
  const where = batch.where;
  const us = where === 'us';
  const box =
    where === 'us'
      ? { lat0: 25, dLat: 24, lng0: -124, dLng: 57 }
      : { lat0: where.center.lat - where.spread, dLat: 2 * where.spread, lng0: where.center.lng - where.spread, dLng: 2 * where.spread };
  await sql.begin(async (tx) => {
    // One connection for the transaction, so the temp table is visible to every statement.
    await tx.unsafe(
      `create temp table bench_g on commit drop as
       select i, lat, lng, zone, created_at, scheduled, slot_date, w.label as window_label,
              (slot_date + make_time(w.hour, 0, 0)) at time zone zone as due_at
         from (
           select i, case when $9 and abs(lat - $10) < $11 and abs(lng - $12) < $13 then lat + 2 * $11 else lat end as lat,
                  lng, bench_zone(lng) as zone, created_at,
                  ($5 and random() < $6) as scheduled,
                  (now() at time zone bench_zone(lng))::date + 1 + floor(random() * 7)::int as slot_date,
                  floor(random() * 3)::int as w
             from (
               select i, $1 + random() * $2 as lat, $3 + random() * $4 as lng,
                      now() - random() * interval '30 days' as created_at
                 from generate_series($7::bigint, $8::bigint) i
             ) r
         ) g
         join (values (0, '9am - 12pm', 9), (1, '12pm - 3pm', 12), (2, '3pm - 6pm', 15)) as w(n, label, hour) on w.n = g.w`,
      [
        box.lat0,
        box.dLat,
        box.lng0,
        box.dLng,
        paid,
        batch.scheduledShare,
        from,
        from + count - 1,
        us,
        NEBRASKA.lat,
        QUIET_HALF.lat,
        NEBRASKA.lng,
        QUIET_HALF.lng,
      ],
    );
    await tx.unsafe(
      `insert into orders (id, stripe_session_id, customer_user_id, customer_name, customer_email, customer_phone,
                           address_line1, city, state, postal_code, lat, lng, timezone, items, amount_total_cents,
                           payment_status, paid_at, schedule_date, schedule_time_window, schedule_timezone, schedule_status,
                           scheduled_at, created_at, updated_at)
       select 'ORD-' || bench_b32(i), 'cs_bench_' || i, 'USR-CU' || bench_b32(i % ${CUSTOMERS}),
              'Bench Customer ' || (i % ${CUSTOMERS}), 'bench-customer-' || (i % ${CUSTOMERS}) || '@example.com', '312-555-0100',
              i || ' Bench Street', 'Benchville', 'KS', '66002', lat, lng, zone, $1::jsonb, 14900,
              case when $2 then 'paid' else 'pending' end, case when $2 then created_at end,
              case when scheduled then slot_date end, case when scheduled then window_label end,
              case when scheduled then zone end, case when scheduled then 'scheduled' else 'unscheduled' end,
              case when scheduled then created_at end, created_at, created_at
         from bench_g`,
      [ITEMS, paid],
    );
    if (!paid) return;
    const pros = batch.acceptedBy ?? [];
    await tx.unsafe(
      `insert into dispatch_jobs (id, order_id, status, due_at, job_details, lat, lng, timezone, city, state, postal_code,
                                  equipment, assigned_pro_id, created_at, updated_at)
       select 'JOB-' || bench_b32(i), 'ORD-' || bench_b32(i),
              case when cardinality($2::text[]) > 0 then 'accepted' when scheduled then 'scheduled' else 'queued' end,
              case when scheduled then due_at end,
              'Mount a 55" TV above the console; drywall, studs 16" apart.', lat, lng, zone, 'Benchville', 'KS', '66002',
              $1::jsonb, ($2::text[])[(1 + i % greatest(cardinality($2::text[]), 1))::int], created_at, created_at
         from bench_g`,
      [EQUIPMENT, pros],
    );
    if (pros.length) {
      await tx.unsafe(
        `insert into job_assignments (id, job_id, pro_id, state, assigned_at)
         select 'ASG-BN' || bench_b32(i), 'JOB-' || bench_b32(i), ($1::text[])[(1 + i % cardinality($1::text[]))::int], 'accepted', created_at
           from bench_g`,
        [pros],
      );
    }
    await tx.unsafe(
      `insert into stripe_events (id, type, order_id, received_at)
       select 'evt_bench_' || i, 'checkout.session.completed', 'ORD-' || bench_b32(i), created_at from bench_g`,
    );
  });
}

export async function countOpenJobs(sql: Sql): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from dispatch_jobs where status in ('queued', 'scheduled') and assigned_pro_id is null`;
  return row?.n ?? 0;
}
