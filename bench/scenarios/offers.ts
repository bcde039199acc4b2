/** (a) offers.list against the same ranking in one SQL statement, as the open jobs grow to 1M. */
import { boundingBox } from '@h2s/api/toolkit';
import type { RunningApp } from '../lib/apps';
import { budgetSeconds, config, elapsed, failures, flag, fmt, lat, log, quick, rows, type Arena, type ProRow } from '../lib/context';
import { trpcQuery } from '../lib/http';
import { countOpenJobs, RANGE, seedJobs, type Sql } from '../lib/seed';
import { summarize, timed, type Summary } from '../lib/stats';

/**
 * The floor under offers.list: the same lat/lng box on the partial index, the haversine distance,
 * the radius cut and the score's rules, ordered best first, all in one SQL statement. It rounds as the
 * scoring package's Math.round does, floor(x + 0.5): round() of a double precision rounds halves to even,
 * which scored half the odd-tenths distances a point apart and, when two jobs sat a point apart at the
 * page's edge, made the two lists disagree.
 */
export async function rawOffers(sql: Sql, pro: ProRow): Promise<string[]> {
  const box = boundingBox(pro, pro.radius);
  // The same columns the app reads for an offer (the order's items and notes too), so both move the same bytes.
  const found = await sql<{ id: string }[]>`
    select j.id, j.status, j.due_at, j.created_at, j.lat, j.lng, j.timezone, j.city, j.state, j.postal_code,
           j.equipment, j.job_details, o.items, o.notes, o.schedule_time_window, o.schedule_date, d.tenths, s.score
      from dispatch_jobs j
      join orders o on o.id = j.order_id
      cross join lateral (
        select floor(2 * 3958.8 * asin(least(1, sqrt(
                 power(sin(radians(j.lat - ${pro.lat}::float8) / 2), 2) +
                 cos(radians(${pro.lat}::float8)) * cos(radians(j.lat)) * power(sin(radians(j.lng - ${pro.lng}::float8) / 2), 2)))) * 10 + 0.5) as tenths
      ) d
      cross join lateral (
        select (case when j.status = 'scheduled' then 1000 else 500 end
                + case when d.tenths < 100 then 500 when d.tenths < 250 then 200 else 0 end
                - floor(d.tenths * 5 / 10 + 0.5)
                + case when j.due_at is null then 0 when j.due_at <= now() then 300
                       when j.due_at < now() + interval '24 hours' then 300
                       when j.due_at < now() + interval '48 hours' then 100 else 0 end) as score
      ) s
     where j.status in ('queued', 'scheduled') and j.assigned_pro_id is null
       and point(j.lng, j.lat) <@ box(point(${box.minLng}, ${box.minLat}), point(${box.maxLng}, ${box.maxLat}))
       and d.tenths <= ${pro.radius * 10}
     order by s.score desc, j.due_at asc nulls last, date_trunc('milliseconds', j.created_at) asc, j.id collate "C" asc`;
  return found.map((r) => r.id);
}

export interface OffersPoint {
  openJobs: number;
  offers: number;
  http: Summary;
  raw: Summary;
  sameJobs: boolean;
}

/** `sameOrder: false` for a ranking other than the seed's (route-aware): its page need not be the raw query's first page. */
export async function measureOffers(
  portal: RunningApp,
  cookie: string,
  sql: Sql,
  pro: ProRow,
  samples: number,
  { sameOrder = true }: { sameOrder?: boolean } = {},
): Promise<OffersPoint> {
  type Offers = { offers: { jobId: string }[] };
  const get = async () => {
    const response = await trpcQuery<Offers>(portal.client, 'offers.list', undefined, cookie);
    if (response.status !== 200 || !response.data) throw new Error(`offers.list: ${response.status} ${response.error?.message}`);
    return response.data.offers;
  };
  for (let i = 0; i < config.warmup; i++) await get();
  const httpTimes: number[] = [];
  let last: { jobId: string }[] = [];
  for (let i = 0; i < samples; i++) {
    const { ms: t, value } = await timed(get);
    httpTimes.push(t);
    last = value;
  }
  for (let i = 0; i < config.warmup; i++) await rawOffers(sql, pro);
  const rawTimes: number[] = [];
  let rawIds: string[] = [];
  for (let i = 0; i < samples; i++) {
    const { ms: t, value } = await timed(() => rawOffers(sql, pro));
    rawTimes.push(t);
    rawIds = value;
  }
  // offers.list answers one page (the best 50): the same jobs as the raw ranking's first page.
  const httpIds = new Set(last.map((o) => o.jobId));
  rawIds = rawIds.slice(0, Math.max(last.length, Math.min(rawIds.length, 50)));
  const sameJobs = httpIds.size === rawIds.length && rawIds.every((id) => httpIds.has(id));
  if (!sameJobs && sameOrder) {
    const rawSet = new Set(rawIds);
    const onlyApp = [...httpIds].filter((id) => !rawSet.has(id));
    const onlyRaw = rawIds.filter((id) => !httpIds.has(id));
    log(`  offers.list and the raw query disagree: only offers.list ${onlyApp.join(', ') || '–'}; only raw ${onlyRaw.join(', ') || '–'}`);
  }
  return {
    openJobs: await countOpenJobs(sql),
    offers: last.length,
    http: summarize(httpTimes),
    raw: summarize(rawTimes),
    sameJobs,
  };
}

type SeededPoint = OffersPoint & { seeded: number };

export interface OffersScale {
  /** The Kansas pro, whose offers grow with the uniform spread. */
  scale: SeededPoint[];
  /** The Nebraska pro, whose neighbourhood holds the same 150 jobs at every size. */
  flat: SeededPoint[];
  seeded: number;
  /** Rows per second, to decide on the 1M point. */
  seedRate: number;
  bigNote: string;
}

/** Seeds the open jobs up to each scale point and measures both pros there. */
export async function offersAtScale(arena: Arena): Promise<OffersScale> {
  const { portal, offersCookie, flatCookie, proRow, flatRow, seedSql, raw } = arena;
  const scale: SeededPoint[] = [];
  const flat: SeededPoint[] = [];
  let seeded = 0;
  let seedRate = 0;
  for (const target of config.scalePoints) {
    const { ms: seedMs } = await timed(async () => {
      for (let from = seeded; from < target; from += 100_000) {
        await seedJobs(seedSql, { from: RANGE.open + from, count: Math.min(100_000, target - from), where: 'us', scheduledShare: 0.5 });
      }
      // Vacuum now rather than have autovacuum wake up on the fresh rows in the middle of a measurement.
      await seedSql`vacuum analyze`;
    });
    seedRate = (target - seeded) / (seedMs / 1000);
    seeded = target;
    const point = { ...(await measureOffers(portal, offersCookie, raw.sql, proRow, config.offersSamples)), seeded: target };
    scale.push(point);
    log(
      `offers.list at ${fmt(target)} seeded jobs (${fmt(point.openJobs)} open): ${lat(point.http)} vs raw ${lat(point.raw)}, ${point.offers} offers, same jobs: ${point.sameJobs}`,
    );
    const fixed = { ...(await measureOffers(portal, flatCookie, raw.sql, flatRow, config.offersSamples)), seeded: target };
    flat.push(fixed);
    log(`  fixed neighbourhood: ${lat(fixed.http)} vs raw ${lat(fixed.raw)}, ${fixed.offers} offers`);
    for (const p of [point, fixed]) if (!p.sameJobs) failures.push(`offers.list and the raw query disagree at ${target} jobs`);
  }
  arena.sampleRss('offers');
  const atN = scale[scale.length - 1]!;
  const ratio = atN.http.p50 / atN.raw.p50;
  rows.push({
    name: `offers.list (50 mi, ${fmt(config.jobs)} jobs, ${atN.offers} offers)`,
    http: lat(atN.http),
    baseline: `${lat(atN.raw)} (prefilter + rank SQL)`,
    target: 'p50 ≤ 2× baseline, p99 ≤ 25 ms',
    result: ratio <= 2 && atN.http.p99 <= 25 ? 'pass' : 'miss',
    detail: `p50 is ${ratio.toFixed(1)}× baseline`,
  });
  // The row: the same 150 candidates whatever the table size.
  const fixedN = flat[flat.length - 1]!;
  const fixedRatio = fixedN.http.p50 / fixedN.raw.p50;
  rows.push({
    name: `offers.list, ${fixedN.offers} offers (fixed neighbourhood, ${fmt(config.jobs)} jobs)`,
    http: lat(fixedN.http),
    baseline: `${lat(fixedN.raw)} (prefilter + rank SQL)`,
    target: 'p50 ≤ 2× baseline, p99 ≤ 25 ms',
    result: fixedRatio <= 2 && fixedN.http.p99 <= 25 ? 'pass' : 'miss',
    detail: `p50 is ${fixedRatio.toFixed(1)}× baseline`,
  });
  return { scale, flat, seeded, seedRate, bigNote: quick ? 'not in --quick' : 'skipped (--skip-1m)' };
}

/** offers.list at 1M open jobs, when the time budget allows; the table's rows for every point. */
export async function offersAtOneMillion(arena: Arena, state: OffersScale): Promise<void> {
  const { portal, offersCookie, flatCookie, proRow, flatRow, seedSql, raw } = arena;
  const { scale, flat } = state;
  if (config.bigPoint && !flag('skip-1m')) {
    const estimate = (config.bigPoint - state.seeded) / Math.max(state.seedRate, 1) + 60;
    if (elapsed() + estimate > budgetSeconds) {
      state.bigNote = `skipped: ~${Math.round(estimate)} s more would pass the ${budgetSeconds} s budget (--budget=)`;
    } else {
      log(`seeding up to ${fmt(config.bigPoint)} jobs (~${Math.round(estimate)} s)…`);
      for (let from = state.seeded; from < config.bigPoint; from += 100_000) {
        await seedJobs(seedSql, {
          from: RANGE.open + from,
          count: Math.min(100_000, config.bigPoint - from),
          where: 'us',
          scheduledShare: 0.5,
        });
      }
      await seedSql`vacuum analyze`;
      state.seeded = config.bigPoint;
      const samples = Math.min(config.offersSamples, 200);
      const point = { ...(await measureOffers(portal, offersCookie, raw.sql, proRow, samples)), seeded: config.bigPoint };
      scale.push(point);
      const fixed = { ...(await measureOffers(portal, flatCookie, raw.sql, flatRow, samples)), seeded: config.bigPoint };
      flat.push(fixed);
      state.bigNote = 'measured';
      log(
        `offers.list at ${fmt(config.bigPoint)} jobs: ${lat(point.http)} vs raw ${lat(point.raw)}, ${point.offers} offers; fixed neighbourhood ${lat(fixed.http)}`,
      );
    }
  }
  arena.sampleRss('end');
  const first = flat[0]!;
  for (const point of flat) {
    rows.push({
      name: `offers.list at ${fmt(point.seeded)} jobs (${fmt(point.openJobs)} open), fixed neighbourhood: ${point.offers} offers`,
      http: lat(point.http),
      baseline: lat(point.raw),
      target: 'stays flat',
      result: 'info',
      detail: point === first ? undefined : `p50 ×${(point.http.p50 / first.http.p50).toFixed(2)} of the smallest table`,
    });
  }
  for (const point of scale) {
    rows.push({
      name: `offers.list at ${fmt(point.seeded)} jobs (${fmt(point.openJobs)} open), uniform spread: ${point.offers} offers`,
      http: lat(point.http),
      baseline: lat(point.raw),
      target: 'grows with the offers, not the table',
      result: 'info',
    });
  }
  if (config.bigPoint && state.bigNote !== 'measured') {
    rows.push({
      name: `offers.list at ${fmt(config.bigPoint)} jobs`,
      http: state.bigNote,
      baseline: '–',
      target: 'stays flat',
      result: 'info',
    });
  }
}
