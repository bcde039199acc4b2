/** (b) 50 pros race for the same jobs through jobs.accept; against one conditional UPDATE per claim. */
import type { RunningApp } from '../lib/apps';
import { CLAIMS_PER_JOB, config, failures, fmt, lat, log, RACERS, rows, type Arena } from '../lib/context';
import type { DbHandle } from '@h2s/db';
import { acceptJob } from '@h2s/api/domain/job-commands';
import { trpcMutation } from '../lib/http';
import { jobId, RANGE, type Sql } from '../lib/seed';
import { mulberry32 } from '@h2s/routing';
import { round, shuffle, summarize, timed } from '../lib/stats';

interface Claim {
  job: string;
  racer: number;
}

/**
 * Every job is claimed by 3 different racers. Claims are dealt in rounds of ~17 jobs so that each
 * of the 50 racers holds about one claim per round: they move through the rounds together, and the
 * three claims on a job are in flight at about the same moment, which is the race being measured.
 */
function dealClaims(jobs: string[], seed: number): Claim[][] {
  const random = mulberry32(seed); // the same run shuffles the same way
  const perRound = Math.ceil(RACERS / CLAIMS_PER_JOB);
  const lists: Claim[][] = Array.from({ length: RACERS }, () => []);
  for (let start = 0; start < jobs.length; start += perRound) {
    const round = jobs.slice(start, start + perRound);
    const order = shuffle(
      Array.from({ length: RACERS }, (_, i) => i),
      random,
    );
    const dealt: Claim[][] = Array.from({ length: RACERS }, () => []);
    round.forEach((job, j) => {
      for (let k = 0; k < CLAIMS_PER_JOB; k++) {
        const racer = order[(j * CLAIMS_PER_JOB + k) % RACERS]!;
        dealt[racer]!.push({ job, racer });
      }
    });
    dealt.forEach((claims, racer) => lists[racer]!.push(...shuffle(claims, random)));
  }
  return lists;
}

async function raceHttp(portal: RunningApp, cookies: string[], jobs: string[]) {
  const lists = dealClaims(jobs, 7);
  const winners = new Map<string, Set<string>>();
  let conflicts = 0;
  const errors: string[] = [];
  const latencies: number[] = [];
  const { ms: total } = await timed(() =>
    Promise.all(
      lists.map(async (claims, racer) => {
        for (const claim of claims) {
          const { ms: t, value } = await timed(() =>
            trpcMutation<{ proId: string }>(portal.client, 'jobs.accept', { jobId: claim.job }, cookies[racer]),
          );
          latencies.push(t);
          const { result } = value;
          if (result.status === 200 && result.data) {
            const set = winners.get(claim.job) ?? new Set<string>();
            set.add(result.data.proId);
            winners.set(claim.job, set);
          } else if (result.status === 409 && result.error?.code === 'CONFLICT') conflicts++;
          else errors.push(`${result.status} ${result.error?.code} ${result.error?.message}`);
        }
      }),
    ),
  );
  const claims = lists.reduce((n, l) => n + l.length, 0);
  return { claims, seconds: total / 1000, winners, conflicts, errors, latency: summarize(latencies) };
}

async function raceRaw(sql: Sql, racerIds: string[], jobs: string[]) {
  const lists = dealClaims(jobs, 7);
  const winners = new Map<string, Set<string>>();
  let conflicts = 0;
  const { ms: total } = await timed(() =>
    Promise.all(
      lists.map(async (claims, racer) => {
        const pro = racerIds[racer]!;
        for (const claim of claims) {
          const won = await sql`
            update dispatch_jobs set assigned_pro_id = ${pro}, status = 'accepted', updated_at = now()
             where id = ${claim.job} and assigned_pro_id is null and status in ('queued', 'scheduled')
            returning id`;
          if (won.length) winners.set(claim.job, (winners.get(claim.job) ?? new Set<string>()).add(pro));
          else conflicts++;
        }
      }),
    ),
  );
  // Untimed: give the raw winners their assignment rows, so the database stays consistent.
  await sql`
    insert into job_assignments (id, job_id, pro_id, state)
    select 'ASG-RW' || substr(id, 5), id, assigned_pro_id, 'accepted' from dispatch_jobs where id = any(${jobs}) and assigned_pro_id is not null`;
  const claims = lists.reduce((n, l) => n + l.length, 0);
  return { claims, seconds: total / 1000, winners, conflicts };
}

/**
 * The middle figure: the same race through the app's own `acceptJob` (its one statement, through
 * Drizzle, the same pool size) in this process: no HTTP, no tRPC, no session. What the app's SQL
 * costs, so the table can say how much of a claim is the database's work and how much the stack's.
 */
async function raceDomain(db: DbHandle['db'], racerIds: string[], jobs: string[]) {
  const lists = dealClaims(jobs, 7);
  let won = 0;
  let conflicts = 0;
  const { ms: total } = await timed(() =>
    Promise.all(
      lists.map(async (claims, racer) => {
        for (const claim of claims) {
          try {
            await acceptJob(db, claim.job, racerIds[racer]!, new Date());
            won++;
          } catch {
            conflicts++;
          }
        }
      }),
    ),
  );
  const claims = lists.reduce((n, l) => n + l.length, 0);
  return { claims, seconds: total / 1000, won, conflicts };
}

/** What the database says about the raced jobs: live assignments per job and the job's own pro. */
async function doubleAssignments(sql: Sql, jobs: string[]) {
  const found = await sql<{ id: string; assigned: string | null; live: number; live_pro: string | null }[]>`
    select j.id, j.assigned_pro_id as assigned,
           count(a.id) filter (where a.state in ('accepted', 'completed'))::int as live,
           min(a.pro_id) filter (where a.state in ('accepted', 'completed')) as live_pro
      from dispatch_jobs j left join job_assignments a on a.job_id = j.id
     where j.id = any(${jobs})
     group by j.id`;
  return {
    doubles: found.filter((r) => r.live > 1).length,
    mismatched: found.filter((r) => r.live === 1 && r.assigned !== r.live_pro).length,
    unassigned: found.filter((r) => !r.assigned).length,
  };
}

export async function acceptRace(arena: Arena) {
  const { portal, racerCookies, racerIds, raw, seedSql } = arena;
  const raceJobsHttp = Array.from({ length: config.raceJobs }, (_, i) => jobId(RANGE.raceHttp + i));
  const raceJobsRaw = Array.from({ length: config.raceJobs }, (_, i) => jobId(RANGE.raceRaw + i));
  const http = await raceHttp(portal, racerCookies, raceJobsHttp);
  arena.sampleRss('accept');
  const rawRace = await raceRaw(raw.sql, racerIds, raceJobsRaw);
  const raceJobsDomain = Array.from({ length: config.raceJobs }, (_, i) => jobId(RANGE.raceDomain + i));
  const domain = await raceDomain(raw.db, racerIds, raceJobsDomain);
  const domainRate = domain.claims / domain.seconds;
  const db = await doubleAssignments(seedSql, raceJobsHttp);
  const responseDoubles = [...http.winners.values()].filter((s) => s.size > 1).length;
  const httpRate = http.claims / http.seconds;
  const rawRate = rawRace.claims / rawRace.seconds;
  const share = httpRate / rawRate;
  const doubles = db.doubles + db.mismatched + responseDoubles;
  if (doubles) failures.push(`double assignments: ${JSON.stringify({ ...db, responseDoubles })}`);
  if (http.errors.length) failures.push(`jobs.accept errors: ${http.errors.slice(0, 3).join('; ')} (${http.errors.length})`);
  if (http.winners.size !== config.raceJobs || db.unassigned)
    failures.push(`race left ${config.raceJobs - http.winners.size} jobs without a winner`);
  rows.push({
    name: `jobs.accept race (${RACERS} pros, ${fmt(config.raceJobs)} jobs, ${fmt(http.claims)} claims)`,
    http: `${fmt(Math.round(httpRate))} claims/s, ${http.winners.size} won, ${http.conflicts} CONFLICT, ${doubles} double`,
    baseline: `${fmt(Math.round(rawRate))} claims/s (conditional UPDATE per claim)`,
    target: '≥ 25% of baseline, 0 double assignments',
    result: share >= 0.25 && doubles === 0 ? 'pass' : 'miss',
    detail: `${Math.round(share * 100)}% of baseline; the app's own accept statement in-process (acceptJob, no HTTP): ${fmt(Math.round(domainRate))} claims/s, so HTTP + tRPC + session keep ${Math.round((100 * httpRate) / domainRate)}% of it; per-claim latency under load ${lat(http.latency)}`,
  });
  log(
    `jobs.accept ${Math.round(httpRate)} claims/s vs raw ${Math.round(rawRate)} (${Math.round(share * 100)}%), acceptJob in-process ${Math.round(domainRate)} (${domain.won} won), doubles ${doubles}`,
  );
  return {
    claims: http.claims,
    seconds: round(http.seconds, 3),
    claimsPerSecond: round(httpRate, 1),
    rawClaimsPerSecond: round(rawRate, 1),
    domainClaimsPerSecond: round(domainRate, 1),
    share: round(share, 3),
    winners: http.winners.size,
    conflicts: http.conflicts,
    errors: http.errors.length,
    latency: http.latency,
    doubleAssignments: doubles,
    database: db,
  };
}
