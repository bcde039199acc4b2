/**
 * Live fan-out: N open `live.jobChanges` streams (server-sent events) on one portal process; a job
 * change (the NOTIFY every committed job event sends) must reach all of them. Latency from the
 * NOTIFY to the change arriving on each stream; memory per stream from the process's VmRSS.
 */
import { Agent } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { RunningApp } from '../lib/apps';
import { failures, fmt, log, ms, rows, type Arena } from '../lib/context';
import { openStream, rssKb, type OpenStream } from '../lib/load';
import { mapLimit, round, summarize, type Summary } from '../lib/stats';

export interface FanOut {
  streams: number;
  opened: number;
  delivered: number;
  latency: Summary;
  kbPerStream: number | null;
  openSeconds: number;
}

const LIVE_CHANNEL = 'h2s_job_changes';

/** Opens `n` streams on `app`, sends `changes` job changes one after another, and closes the streams. */
export async function fanOut(arena: Arena, app: RunningApp, cookie: string, n: number, changes: number): Promise<FanOut> {
  const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
  const before = app.mode === 'built' ? rssKb(app.pid) : null;
  const started = performance.now();
  const streams: OpenStream[] = [];
  try {
    await mapLimit(
      Array.from({ length: n }, (_, i) => i),
      32,
      async () => {
        streams.push(await openStream(app.origin, cookie, agent));
      },
    );
    const openSeconds = (performance.now() - started) / 1000;
    // Every stream subscribes (and the first LISTENs) as its response starts; let the last settle.
    await new Promise((r) => setTimeout(r, 1000));
    const after = app.mode === 'built' ? rssKb(app.pid) : null;
    const latencies: number[] = [];
    let delivered = 0;
    for (let c = 0; c < changes; c++) {
      const marker = randomUUID();
      const payload = JSON.stringify({ jobId: marker, type: 'scheduled', at: new Date().toISOString() });
      const sent = performance.now();
      await arena.raw.sql`select pg_notify(${LIVE_CHANNEL}, ${payload})`;
      const deadline = sent + 10_000;
      let pending = streams.slice();
      while (pending.length && performance.now() < deadline) {
        await new Promise((r) => setTimeout(r, 5));
        pending = pending.filter((s) => {
          const at = s.seenAt(marker);
          if (at === null) return true;
          latencies.push(at - sent);
          delivered++;
          return false;
        });
      }
      if (pending.length) log(`live: change ${c + 1} reached ${streams.length - pending.length} of ${streams.length} streams within 10 s`);
    }
    return {
      streams: n,
      opened: streams.length,
      delivered,
      latency: summarize(latencies),
      kbPerStream: before !== null && after !== null ? round((after - before) / n, 1) : null,
      openSeconds: round(openSeconds, 1),
    };
  } finally {
    for (const s of streams) s.close();
    agent.destroy();
  }
}

export async function liveFanOut(arena: Arena, n: number, changes: number) {
  const result = await fanOut(arena, arena.portal, arena.offersCookie, n, changes);
  const complete = result.delivered === result.opened * changes && result.opened === n;
  const pass = complete && result.latency.p99 <= 1000 && result.kbPerStream !== null && result.kbPerStream <= 20;
  rows.push({
    name: `live fan-out: ${fmt(n)} open live.jobChanges streams on one portal process, ${changes} job changes`,
    http: `${fmt(result.delivered)} of ${fmt(result.opened * changes)} deliveries · p50 ${ms(result.latency.p50)} · p99 ${ms(result.latency.p99)} · ${result.kbPerStream ?? '?'} KB per stream (VmRSS) · opened in ${result.openSeconds} s`,
    baseline: 'NOTIFY sent by the bench (the one a committed job event sends)',
    target: 'all delivered, p99 ≤ 1 s, ≤ 20 KB per stream',
    result: pass ? 'pass' : 'miss',
  });
  log(
    `live fan-out ${n} streams: ${result.delivered}/${result.opened * changes} delivered, p50 ${ms(result.latency.p50)} p99 ${ms(result.latency.p99)}, ${result.kbPerStream} KB/stream`,
  );
  if (!complete) failures.push(`live fan-out: ${result.delivered} of ${n * changes} deliveries`);
  return result;
}
