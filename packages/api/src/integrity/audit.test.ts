import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { TIME_WINDOWS } from '@h2s/db';
import { windowStartUtc, TIME_WINDOW_LABELS } from '../domain/schedule';
import { formatReport, INVARIANT_NAMES, type Report } from './index';
import { api, audit, inv, useFreshWorld, utcText, world } from './test-world';

describe('auditIntegrity on a healthy database', () => {
  useFreshWorld();

  it('finds no breach and counts the rows each invariant looked at', async () => {
    const report = await audit();

    expect(report.ok).toBe(true);
    expect(report.breachCount).toBe(0);
    expect(report.invariants.map((i) => [i.number, i.name, i.breaches])).toEqual(
      ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] as const).map((n) => [n, INVARIANT_NAMES[n], []]),
    );
    // 6 paid orders + 6 jobs; 6 jobs; 4 jobs with a slot; 6 jobs; 4 uploads (3 before, 1 after); 6 events + 6 paid orders;
    // 1 live assignment; 2 accepted or completed assignments; no refunds or cancellations;
    // 14 emails (6 confirmations, 4 invites, 2 pro assigned, on the way, receipt); no crew jobs, no ratings.
    expect(report.invariants.map((i) => i.checked)).toEqual([12, 6, 4, 6, 4, 12, 1, 2, 0, 14, 0, 0]);
    expect(formatReport(report)).toMatch(/Summary: all 12 invariants hold/);
  });

  it('agrees with the app on due_at across a DST change and in a zone without DST', async () => {
    const rows = await api.t.sql<{ id: string; due: string }[]>`
      select id, ${utcText('due_at')} as due from dispatch_jobs where id in ${api.t.sql([world.dstDay.jobId, world.phoenix.jobId])}`;
    const due = Object.fromEntries(rows.map((r) => [r.id, r.due]));
    // 9am EDT (UTC-4) on the morning DST began at 2am; 3pm MST (UTC-7) all year.
    expect(due[world.dstDay.jobId]).toBe('2026-03-08T13:00:00Z');
    expect(due[world.phoenix.jobId]).toBe('2026-02-02T22:00:00Z');
    expect(inv(await audit(), 3)).toMatchObject({ checked: 4, breaches: [] });
  });
});

describe('PostgreSQL and Temporal agree on every window start in US zones', () => {
  useFreshWorld();

  it('gives the same instant for each day of 2026-2027, each window, each US zone', async () => {
    const zones = [
      'America/New_York',
      'America/Detroit',
      'America/Indiana/Indianapolis',
      'America/Chicago',
      'America/Denver',
      'America/Boise',
      'America/Phoenix',
      'America/Los_Angeles',
      'America/Anchorage',
      'Pacific/Honolulu',
      'America/Puerto_Rico',
    ];
    const dates: string[] = [];
    for (let d = Temporal.PlainDate.from('2026-01-01'); d.year < 2028; d = d.add({ days: 1 })) dates.push(d.toString());
    const cases = zones.flatMap((zone) => dates.flatMap((date) => TIME_WINDOW_LABELS.map((label) => ({ zone, date, label }))));
    const expected = cases.map((c) => windowStartUtc(c.date, c.zone, c.label).toISOString());
    const hours = cases.map((c) => TIME_WINDOWS[c.label]);

    const [result] = await api.t.sql<{ compared: number; differing: number }[]>`
      select count(*)::int as compared,
             count(*) filter (where (c.date::date + make_time(c.hour, 0, 0)) at time zone c.zone <> c.expected::timestamptz)::int as differing
        from unnest(${cases.map((c) => c.zone)}::text[], ${cases.map((c) => c.date)}::text[],
                    ${hours}::int[], ${expected}::text[]) as c(zone, date, hour, expected)`;

    expect(result).toEqual({ compared: 11 * 730 * 3, differing: 0 });
  });

  it('agrees in a spring-forward gap and differs in a fall-back overlap, which windows never hit', async () => {
    const temporal = (date: string, hour: number, minute: number) =>
      Temporal.PlainDate.from(date)
        .toPlainDateTime({ hour, minute })
        .toZonedDateTime('America/Chicago', { disambiguation: 'compatible' })
        .toInstant()
        .toString();
    const [pg] = await api.t.sql<{ gap: string; overlap: string }[]>`
      select ${utcText(`('2026-03-08'::date + time '02:30') at time zone 'America/Chicago'`)} as gap,
             ${utcText(`('2026-11-01'::date + time '01:30') at time zone 'America/Chicago'`)} as overlap`;

    expect(temporal('2026-03-08', 2, 30)).toBe('2026-03-08T08:30:00Z');
    expect(pg!.gap).toBe('2026-03-08T08:30:00Z');
    // Temporal takes the first 1:30 (CDT), PostgreSQL the second (CST): why the audit also accepts
    // any instant that reads as the window start on the zone's clock.
    expect(temporal('2026-11-01', 1, 30)).toBe('2026-11-01T06:30:00Z');
    expect(pg!.overlap).toBe('2026-11-01T07:30:00Z');
  });
});

describe('formatReport', () => {
  it('lists at most 20 ids per invariant, then how many more', async () => {
    const breaches = Array.from({ length: 25 }, (_, i) => ({ id: `JOB-${String(i).padStart(8, 'A')}`, reason: 'job_details is empty' }));
    const report: Report = {
      ok: false,
      breachCount: 25,
      startedAt: '2026-01-09T15:00:00.000Z',
      durationMs: 12,
      invariants: [{ number: 4, key: 'job-details', name: INVARIANT_NAMES[4], checked: 40, breaches }],
    };
    const text = formatReport(report);

    expect(text.match(/^ {7}- JOB-/gm)).toHaveLength(20);
    expect(text).toContain(`- ${breaches[19]!.id}: job_details is empty`);
    expect(text).not.toContain(breaches[20]!.id);
    expect(text).toContain('and 5 more');
    expect(text).toContain('[BREACH] 4. job_details is never empty\n       40 rows checked, 25 breaking');
    expect(text).toMatch(/Summary: 1 of 1 invariants breached by 25 rows/);
  });
});

describe('pnpm integrity (the CLI)', () => {
  useFreshWorld();

  function runCli(): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: api.t.url, UPLOAD_DIR: api.uploadDir };
    delete env.UPLOADTHING_TOKEN;
    return new Promise((resolve, reject) => {
      const child = spawn(join(import.meta.dirname, '../../node_modules/.bin/tsx'), ['src/cli/integrity.ts'], {
        cwd: join(import.meta.dirname, '../..'),
        env,
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('exit', (code) => resolve({ code, stdout, stderr }));
    });
  }

  it('exits 0 on a clean database and 1, naming the row, after a breach', async () => {
    const clean = await runCli();
    expect(clean.stderr).toBe('');
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain(`files in ${api.uploadDir}`);
    expect(clean.stdout).toMatch(/\[ok\] 5\. Every upload has its stored file.*\n {7}4 rows checked, 0 breaking/);
    expect(clean.stdout).toContain('Summary: all 12 invariants hold');

    await api.t.sql`update dispatch_jobs set due_at = due_at - interval '1 hour' where id = ${world.accepted.jobId}`;
    const broken = await runCli();
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain(`[BREACH] 3. ${INVARIANT_NAMES[3]}`);
    expect(broken.stdout).toContain(
      `- ${world.accepted.jobId}: due_at 2026-01-16T14:00:00Z but 2026-01-16 9am - 12pm America/Chicago starts at 2026-01-16T15:00:00Z`,
    );
    expect(broken.stdout).toMatch(/Summary: 1 of 12 invariants breached by 1 rows/);
  }, 120_000);
});
