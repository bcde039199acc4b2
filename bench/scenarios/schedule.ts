/** (c) schedule.confirm, then the job as its pro sees it in jobs.mine; against two UPDATEs in a transaction. */
import { localToday, TIME_WINDOW_LABELS, windowStartUtc } from '@h2s/api/toolkit';
import { config, failures, lat, log, RACERS, rows, type Arena } from '../lib/context';
import { trpcMutation, trpcQuery } from '../lib/http';
import { jobId, orderId, RANGE, sessionIdOf } from '../lib/seed';
import { summarize, timed } from '../lib/stats';

export async function scheduleConfirm(arena: Arena) {
  const { customer, portal, racerCookies, raw } = arena;
  const today = Date.parse(`${localToday('America/Chicago', new Date())}T00:00:00Z`);
  const slot = (i: number) => ({
    date: new Date(today + (1 + (i % 60)) * 86_400_000).toISOString().slice(0, 10),
    timezone: 'America/Chicago',
    timeWindow: TIME_WINDOW_LABELS[i % TIME_WINDOW_LABELS.length]!,
  });
  type Mine = { upcoming: { jobId: string; dueAt: string | null }[] };
  const confirmTimes: number[] = [];
  const visibleTimes: number[] = [];
  for (let i = 0; i < config.warmup + config.scheduleSamples; i++) {
    const n = RANGE.scheduleHttp + i;
    const racer = n % RACERS;
    const t0 = performance.now();
    const { result } = await trpcMutation<{ dueAt: string; jobId: string }>(customer.client, 'schedule.confirm', {
      sessionId: sessionIdOf(n),
      ...slot(i),
    });
    const t1 = performance.now();
    if (result.status !== 200 || !result.data) throw new Error(`schedule.confirm: ${result.status} ${result.error?.message}`);
    let seen = false;
    for (let attempt = 0; attempt < 5 && !seen; attempt++) {
      const mine = await trpcQuery<Mine>(portal.client, 'jobs.mine', undefined, racerCookies[racer]);
      seen = Boolean(mine.data?.upcoming.some((j) => j.jobId === jobId(n) && j.dueAt === result.data!.dueAt));
    }
    if (!seen) failures.push(`scheduled job ${jobId(n)} not seen with its new dueAt in jobs.mine`);
    if (i < config.warmup) continue;
    confirmTimes.push(t1 - t0);
    visibleTimes.push(performance.now() - t0);
  }
  const rawScheduleTimes: number[] = [];
  for (let i = 0; i < config.warmup + config.scheduleSamples; i++) {
    const n = RANGE.scheduleRaw + i;
    const s = slot(i);
    const due = windowStartUtc(s.date, s.timezone, s.timeWindow).toISOString();
    const { ms: t } = await timed(() =>
      raw.sql.begin(async (tx) => {
        await tx`update orders set schedule_date = ${s.date}, schedule_time_window = ${s.timeWindow}, schedule_timezone = ${s.timezone},
                   schedule_status = 'scheduled', scheduled_at = now(), updated_at = now() where id = ${orderId(n)}`;
        await tx`update dispatch_jobs set due_at = ${due}::timestamptz, status = 'scheduled', updated_at = now() where id = ${jobId(n)}`;
      }),
    );
    if (i >= config.warmup) rawScheduleTimes.push(t);
  }
  const confirm = summarize(confirmTimes);
  const visible = summarize(visibleTimes);
  const rawSchedule = summarize(rawScheduleTimes);
  rows.push({
    name: `schedule.confirm (${config.scheduleSamples} orders)`,
    http: lat(confirm),
    baseline: `${lat(rawSchedule)} (2 UPDATEs in a transaction)`,
    target: 'p99 ≤ 15 ms',
    result: confirm.p99 <= 15 ? 'pass' : 'miss',
  });
  rows.push({
    name: 'schedule.confirm → job seen in jobs.mine',
    http: lat(visible),
    baseline: '–',
    target: '(seen on the first read)',
    result: 'info',
  });
  log(`schedule.confirm ${lat(confirm)}; until seen in jobs.mine ${lat(visible)}; raw ${lat(rawSchedule)}`);
  return { confirm, visible, raw: rawSchedule };
}
