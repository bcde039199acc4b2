/** What an audit reports, the helpers every invariant's check shares, and the report as the CLI prints it. */
import { sql, type Database, type DbOrTx } from '@h2s/db';
import type { FileStore } from '../domain/storage';

export interface Breach {
  /** The breaking row's id (an order, job, upload, assignment or Stripe event id). */
  id: string;
  /** Why it breaks the invariant; several reasons for one row are joined with "; ". */
  reason: string;
}

export interface InvariantReport {
  number: 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12;
  key:
    | 'paid-order-job'
    | 'one-accepted-assignment'
    | 'due-at-matches-schedule'
    | 'job-details'
    | 'upload-files'
    | 'stripe-events-once'
    | 'no-overlapping-assignments'
    | 'assigned-pro-skills'
    | 'refund-once-and-cancelled'
    | 'emails-once'
    | 'crew-seats'
    | 'one-rating-from-customer';
  name: string;
  /** How many rows the check looked at. */
  checked: number;
  /** One entry per breaking row, ordered by id. */
  breaches: Breach[];
}

export interface Report {
  ok: boolean;
  invariants: InvariantReport[];
  /** Breaking rows over all invariants. */
  breachCount: number;
  startedAt: string;
  durationMs: number;
}

export interface AuditOptions {
  db: Database;
  storage: FileStore;
  /** Upload rows whose files are read at the same time (each file is held in memory while hashed). */
  fileConcurrency?: number;
}

export const INVARIANT_NAMES: Record<InvariantReport['number'], string> = {
  1: 'Every paid order has exactly one dispatch job',
  2: 'A job has at most one accepted assignment, and assigned_pro_id matches it',
  3: "A scheduled job's due_at is its order's date + window start in the order's timezone",
  4: 'job_details is never empty',
  5: 'Every upload has its stored file with the recorded size and sha256; no two uploads of one job share a sha256',
  6: 'Each Stripe event is applied at most once',
  7: 'No pro holds two live visits that overlap (planned arrival to end, travel between them included)',
  8: "Every assigned pro holds all the skills of the job's bundles",
  9: "An order is refunded at most once; a cancelled order's job is cancelled and has no live assignment",
  10: 'Every email or text caused by a change is sent at most once (its idempotency key is unique); no text to a number that opted out',
  11: 'A crew job never has more accepted seats than its crew size, nor one pro in two seats',
  12: "A job has at most one rating, from its order's customer",
};

export type Row = { id: string; reason: string };

export async function rows<T extends Record<string, unknown>>(tx: DbOrTx, query: ReturnType<typeof sql>): Promise<T[]> {
  // postgres.js hands back an array of rows; Drizzle's type for it is generic over drivers.
  return [...(await tx.execute<T>(query))] as unknown as T[];
}

export async function count(tx: DbOrTx, query: ReturnType<typeof sql>): Promise<number> {
  const [row] = await rows<{ n: string | number }>(tx, query);
  return Number(row?.n ?? 0);
}

/** One entry per id, reasons merged, sorted by id so reports diff cleanly between runs. */
function merge(found: Row[]): Breach[] {
  const byId = new Map<string, string[]>();
  for (const { id, reason } of found) {
    const reasons = byId.get(id) ?? [];
    if (!reasons.includes(reason)) reasons.push(reason);
    byId.set(id, reasons);
  }
  return [...byId.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([id, reasons]) => ({ id, reason: reasons.join('; ') }));
}

export function invariant(number: InvariantReport['number'], key: InvariantReport['key'], checked: number, found: Row[]): InvariantReport {
  return { number, key, name: INVARIANT_NAMES[number], checked, breaches: merge(found) };
}

/** The report as the CLI prints it: each invariant, its count, the breaking ids (capped), a summary. */
export function formatReport(report: Report, options: { maxIds?: number; target?: string } = {}): string {
  const maxIds = options.maxIds ?? 20;
  const lines: string[] = [];
  if (options.target) lines.push(`Integrity audit of ${options.target}`, '');
  for (const inv of report.invariants) {
    const mark = inv.breaches.length ? 'BREACH' : 'ok';
    lines.push(`[${mark}] ${inv.number}. ${inv.name}`);
    lines.push(`       ${inv.checked} rows checked, ${inv.breaches.length} breaking`);
    for (const breach of inv.breaches.slice(0, maxIds)) lines.push(`       - ${breach.id}: ${breach.reason}`);
    if (inv.breaches.length > maxIds) lines.push(`       and ${inv.breaches.length - maxIds} more`);
  }
  const broken = report.invariants.filter((inv) => inv.breaches.length);
  const checked = report.invariants.reduce((sum, inv) => sum + inv.checked, 0);
  lines.push('');
  lines.push(
    report.ok
      ? `Summary: all ${report.invariants.length} invariants hold (${checked} rows checked in ${report.durationMs} ms).`
      : `Summary: ${broken.length} of ${report.invariants.length} invariants breached by ${report.breachCount} rows (invariants ${broken.map((inv) => inv.number).join(', ')}; ${checked} rows checked in ${report.durationMs} ms).`,
  );
  return lines.join('\n');
}
