/**
 * `pnpm integrity`: audits the database and the file store against the invariants of
 * CONTRACT.md. Most of them are also enforced by constraints, triggers and the code paths that
 * write the rows; the audit checks them anyway, because constraints can be dropped, skipped
 * (`session_replication_role = replica`, restores, manual fixes) or be weaker than the invariant
 * (the first job_details check trimmed spaces only and let a tab-only text through). Every check is
 * set-based SQL except the file check, which has to read the bytes.
 */
import { createHash } from 'node:crypto';
import { BLANK_CHARACTERS, TIME_WINDOWS, WINDOW_HOURS, sql, type Database, type DbOrTx } from '@h2s/db';
import type { FileStore } from './domain/storage';

export interface Breach {
  /** The breaking row's id (an order, job, upload, assignment or Stripe event id). */
  id: string;
  /** Why it breaks the invariant; several reasons for one row are joined with "; ". */
  reason: string;
}

export interface InvariantReport {
  number: 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10;
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
    | 'emails-once';
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
  7: 'No pro holds two live assignments whose windows overlap',
  8: 'Every assigned pro holds all the skills of the job\'s bundles',
  9: "An order is refunded at most once; a cancelled order's job is cancelled and has no live assignment",
  10: 'Every email caused by a change is sent at most once (its idempotency key is unique)',
};

/** Event types whose arrival can mark an order paid (see applyStripeEvent). */
const PAYING_EVENT_TYPES = ['checkout.session.completed', 'checkout.session.async_payment_succeeded'];

/** Runs the audit: one consistent snapshot of the database, then the bytes of every stored file. */
export async function auditIntegrity(options: AuditOptions): Promise<Report> {
  const started = Date.now();
  const { db, storage } = options;
  // One REPEATABLE READ snapshot: a job accepted between two checks must not look half-accepted.
  const { invariants, uploads } = await db.transaction(
    async (tx) => ({
      invariants: [
        await paidOrdersHaveOneJob(tx),
        await oneAcceptedAssignment(tx),
        await dueAtMatchesSchedule(tx),
        await jobDetailsNotBlank(tx),
      ],
      uploads: await loadUploads(tx),
      stripe: await stripeEventsOnce(tx),
      rules: [await noOverlappingAssignments(tx), await assignedProsHoldSkills(tx), await refundedOnceAndCancelled(tx)],
      emails: await emailsOnce(tx),
    }),
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  ).then(({ invariants, uploads, stripe, rules, emails }) => ({ invariants: [...invariants, stripe, ...rules, emails], uploads }));
  // The files are read after the commit: a snapshot held open through minutes of file I/O would hold
  // back vacuum on a server, and would stall every other client of the embedded dev database.
  const fileBreaches = await mapLimit(uploads.rows, options.fileConcurrency ?? 4, (row) => checkFile(storage, row));
  const found = [...fileBreaches.flat(), ...uploads.found];
  const uploadReport = invariant(5, 'upload-files', uploads.rows.length, found);
  uploadReport.breaches = await dropUploadsChangedSinceSnapshot(db, storage, uploadReport.breaches);
  invariants.splice(4, 0, uploadReport);
  const breachCount = invariants.reduce((sum, inv) => sum + inv.breaches.length, 0);
  return {
    ok: breachCount === 0,
    invariants,
    breachCount,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
  };
}

type Row = { id: string; reason: string };

async function rows<T extends Record<string, unknown>>(tx: DbOrTx, query: ReturnType<typeof sql>): Promise<T[]> {
  // postgres.js hands back an array of rows; Drizzle's type for it is generic over drivers.
  return [...(await tx.execute<T>(query))] as unknown as T[];
}

async function count(tx: DbOrTx, query: ReturnType<typeof sql>): Promise<number> {
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

function invariant(number: InvariantReport['number'], key: InvariantReport['key'], checked: number, found: Row[]): InvariantReport {
  return { number, key, name: INVARIANT_NAMES[number], checked, breaches: merge(found) };
}

/** 1. Paid orders have exactly one job; and no job hangs off an order that is not paid (or is gone). */
async function paidOrdersHaveOneJob(tx: DbOrTx): Promise<InvariantReport> {
  const checked = await count(
    tx,
    sql`select (select count(*) from orders where payment_status = 'paid') + (select count(*) from dispatch_jobs) as n`,
  );
  const found = await rows<Row>(
    tx,
    sql`
      select o.id,
             case when count(j.id) = 0 then 'paid order has no dispatch job'
                  else 'paid order has ' || count(j.id) || ' dispatch jobs: ' || string_agg(j.id, ', ' order by j.id) end as reason
        from orders o
        left join dispatch_jobs j on j.order_id = o.id
       where o.payment_status = 'paid'
       group by o.id
      having count(j.id) <> 1
      union all
      select j.id,
             case when j.order_id is null then 'job has no order_id'
                  when o.id is null then 'job''s order ' || j.order_id || ' does not exist'
                  else 'job''s order ' || o.id || ' is ' || coalesce(o.payment_status, 'null') || ', not paid' end
        from dispatch_jobs j
        left join orders o on o.id = j.order_id
       where o.id is null or o.payment_status is distinct from 'paid'`,
  );
  return invariant(1, 'paid-order-job', checked, found);
}

/**
 * 2. At most one live (accepted or completed) assignment per job, and the job row agrees with it:
 * assigned_pro_id is that assignment's pro, and an accepted/completed job has one.
 */
async function oneAcceptedAssignment(tx: DbOrTx): Promise<InvariantReport> {
  const checked = await count(tx, sql`select count(*) as n from dispatch_jobs`);
  const found = await rows<Row>(
    tx,
    sql`
      with live as (
        select job_id, count(*) as n, min(pro_id) as pro_id,
               string_agg(id || ' (' || pro_id || ', ' || state || ')', ', ' order by assigned_at, id) as list
          from job_assignments
         where state in ('accepted', 'completed')
         group by job_id
      )
      select j.id,
             concat_ws('; ',
               case when l.n > 1 then l.n || ' accepted/completed assignments: ' || l.list end,
               case when l.n = 1 and j.assigned_pro_id is distinct from l.pro_id
                    then 'assigned_pro_id is ' || coalesce(j.assigned_pro_id, 'null') || ' but the accepted assignment ' || l.list || ' is for ' || l.pro_id end,
               case when l.n is null and j.assigned_pro_id is not null
                    then 'assigned_pro_id is ' || j.assigned_pro_id || ' but the job has no accepted assignment' end,
               case when l.n is null and j.status in ('accepted', 'en_route', 'in_progress', 'completed')
                    then 'status is ' || j.status || ' but the job has no accepted assignment' end
             ) as reason
        from dispatch_jobs j
        left join live l on l.job_id = j.id
       where l.n > 1
          or (l.n = 1 and j.assigned_pro_id is distinct from l.pro_id)
          or (l.n is null and (j.assigned_pro_id is not null or j.status in ('accepted', 'en_route', 'in_progress', 'completed')))
      union all
      select a.id, 'accepted assignment for job ' || a.job_id || ', which does not exist'
        from job_assignments a
        left join dispatch_jobs j on j.id = a.job_id
       where j.id is null and a.state in ('accepted', 'completed')`,
  );
  return invariant(2, 'one-accepted-assignment', checked, found);
}

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
async function dueAtMatchesSchedule(tx: DbOrTx): Promise<InvariantReport> {
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

/**
 * 4. job_details holds something a pro can read: not only spaces, but no text made only of any
 * whitespace, no-break or zero-width characters (the schema's BLANK_CHARACTERS), which btrim()'s
 * default and the C locale's [[:space:]] would let through.
 */
async function jobDetailsNotBlank(tx: DbOrTx): Promise<InvariantReport> {
  const checked = await count(tx, sql`select count(*) as n from dispatch_jobs`);
  const found = await rows<Row>(
    tx,
    sql`
      select id, case when job_details is null then 'job_details is null'
                      when job_details = '' then 'job_details is empty'
                      else 'job_details is blank (whitespace only)' end as reason
        from dispatch_jobs
       where job_details is null or btrim(job_details, ${BLANK_CHARACTERS}) = ''`,
  );
  return invariant(4, 'job-details', checked, found);
}

interface UploadRow extends Record<string, unknown> {
  id: string;
  job_id: string;
  storage_key: string;
  file_size: number;
  sha256: string;
  job_exists: boolean;
}

const UPLOAD_PAGE = 1000;

/**
 * 5, from the snapshot: every upload row (keyset pages, so the query never sorts the whole table at
 * once), rows of jobs that do not exist, and the rows of one job sharing a sha256.
 */
async function loadUploads(tx: DbOrTx): Promise<{ rows: UploadRow[]; found: Row[] }> {
  const all: UploadRow[] = [];
  const found: Row[] = [];
  let after = '';
  for (;;) {
    const page = await rows<UploadRow>(
      tx,
      sql`
        select u.id, u.job_id, u.storage_key, u.file_size, u.sha256, (j.id is not null) as job_exists
          from customer_uploads u
          left join dispatch_jobs j on j.id = u.job_id
         where u.id > ${after}
         order by u.id
         limit ${UPLOAD_PAGE}`,
    );
    if (!page.length) break;
    after = page[page.length - 1]!.id;
    for (const row of page) if (!row.job_exists) found.push({ id: row.id, reason: `upload for job ${row.job_id}, which does not exist` });
    all.push(...page);
  }
  const duplicates = await rows<{ job_id: string; sha256: string; ids: string[] }>(
    tx,
    sql`
      select job_id, sha256, array_agg(id order by created_at, id) as ids
        from customer_uploads
       group by job_id, sha256
      having count(*) > 1`,
  );
  for (const group of duplicates) {
    for (const id of group.ids) {
      const others = group.ids.filter((other) => other !== id).join(', ');
      found.push({ id, reason: `job ${group.job_id} has the same sha256 ${group.sha256.slice(0, 12)}… in ${others}` });
    }
  }
  return { rows: all, found };
}

async function checkFile(storage: FileStore, row: Pick<UploadRow, 'id' | 'storage_key' | 'file_size' | 'sha256'>): Promise<Row[]> {
  let bytes: Uint8Array | null;
  try {
    bytes = await storage.get(row.storage_key);
  } catch (error) {
    return [{ id: row.id, reason: `stored file ${row.storage_key} cannot be read: ${(error as Error).message}` }];
  }
  if (!bytes) return [{ id: row.id, reason: `stored file ${row.storage_key} is missing` }];
  const out: Row[] = [];
  if (bytes.byteLength !== Number(row.file_size)) {
    out.push({ id: row.id, reason: `stored file has ${bytes.byteLength} bytes, the row records ${row.file_size}` });
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== row.sha256) out.push({ id: row.id, reason: `stored file hashes to ${sha256.slice(0, 12)}…, the row records ${row.sha256.slice(0, 12)}…` });
  return out;
}

/**
 * Files are read after the snapshot: an upload removed (row and file) in between would look like a
 * missing file. Rows reported broken are read again, as they are now, and checked again.
 */
async function dropUploadsChangedSinceSnapshot(db: Database, storage: FileStore, breaches: Breach[]): Promise<Breach[]> {
  const fileBreaches = breaches.filter((b) => b.reason.includes('stored file'));
  if (!fileBreaches.length) return breaches;
  const ids = fileBreaches.map((b) => b.id);
  const current = await rows<UploadRow>(
    db,
    sql`select id, job_id, storage_key, file_size, sha256, true as job_exists from customer_uploads where id in ${sql`(${sql.join(ids.map((id) => sql`${id}`), sql`, `)})`}`,
  );
  const still = new Map<string, Row[]>();
  for (const row of current) still.set(row.id, await checkFile(storage, row));
  return breaches.flatMap((breach) => {
    if (!breach.reason.includes('stored file')) return [breach];
    const recheck = still.get(breach.id);
    if (!recheck) return []; // Deleted since the snapshot: nothing left to be wrong.
    if (recheck.length) return [breach];
    // The file is fine now; keep only the reasons that were not about the file.
    const rest = breach.reason.split('; ').filter((reason) => !reason.includes('stored file'));
    return rest.length ? [{ id: breach.id, reason: rest.join('; ') }] : [];
  });
}

/**
 * 6. An event id is recorded (and so applied) once; and every paid order has the event that paid
 * it. The table does not keep the session's payment_status, so "paid it" means an event of a type
 * that can pay (checkout.session.completed or async_payment_succeeded) for that order.
 */
async function stripeEventsOnce(tx: DbOrTx): Promise<InvariantReport> {
  const checked = await count(
    tx,
    sql`select (select count(*) from stripe_events) + (select count(*) from orders where payment_status = 'paid') as n`,
  );
  const paying = sql.join(PAYING_EVENT_TYPES.map((type) => sql`${type}`), sql`, `);
  const found = await rows<Row>(
    tx,
    sql`
      select id, 'Stripe event recorded ' || count(*) || ' times (orders: ' || string_agg(coalesce(order_id, '-'), ', ' order by received_at) || ')' as reason
        from stripe_events
       group by id
      having count(*) > 1
      union all
      select o.id, 'paid order has no recorded Stripe event that pays it'
        from orders o
       where o.payment_status = 'paid'
         and not exists (select 1 from stripe_events e where e.order_id = o.id and e.type in (${paying}))`,
  );
  return invariant(6, 'stripe-events-once', checked, found);
}

/**
 * 10. One message per change: a notification's idempotency key is unique, it is logged as sent at
 * most once, and a logged message has its notification marked sent. (Its send job is keyed by the
 * same idempotency key, so the queue holds at most one per notification.)
 */
async function emailsOnce(tx: DbOrTx): Promise<InvariantReport> {
  const checked = await count(tx, sql`select count(*) as n from email_notifications`);
  const found = await rows<Row>(
    tx,
    sql`
      select idempotency_key as id, 'notification recorded ' || count(*) || ' times' as reason
        from email_notifications group by idempotency_key having count(*) > 1
      union all
      select idempotency_key, 'message logged as sent ' || count(*) || ' times'
        from outbound_emails where idempotency_key is not null group by idempotency_key having count(*) > 1
      union all
      select o.idempotency_key, 'message logged as sent but its notification is not marked sent'
        from outbound_emails o
        left join email_notifications n on n.idempotency_key = o.idempotency_key
       where o.idempotency_key is not null and n.sent_at is null`,
  );
  return invariant(10, 'emails-once', checked, found);
}

/**
 * 7. Windows recomputed from each job's due_at, not read from the exclusion constraint's own
 * window_range column: no two accepted assignments of one pro overlap.
 */
async function noOverlappingAssignments(tx: DbOrTx): Promise<InvariantReport> {
  const live = sql`
    select a.id, a.pro_id, a.job_id,
           case when j.due_at is not null then tstzrange(j.due_at, j.due_at + make_interval(hours => ${WINDOW_HOURS}), '[)') end as span
      from job_assignments a join dispatch_jobs j on j.id = a.job_id
     where a.state = 'accepted'`;
  const checked = await count(tx, sql`select count(*) as n from (${live}) l`);
  const found = await rows<Row>(
    tx,
    sql`
      with l as (${live})
      select x.id, 'pro ' || x.pro_id || ' also holds ' || y.id || ' (job ' || y.job_id || ') in an overlapping window' as reason
        from l x join l y on y.pro_id = x.pro_id and y.id <> x.id and x.span && y.span`,
  );
  return invariant(7, 'no-overlapping-assignments', checked, found);
}

/** 8. A live or completed assignment's pro holds every skill of the job's bundles (read from the catalog). */
async function assignedProsHoldSkills(tx: DbOrTx): Promise<InvariantReport> {
  const needed = sql`
    select a.id, a.pro_id, p.skills as has,
           array(select distinct s from jsonb_array_elements(o.items) i join bundles b on b.sku = i->>'sku', unnest(b.skills) s
                  union select unnest(j.skills)) as needs
      from job_assignments a
      join dispatch_jobs j on j.id = a.job_id
      join orders o on o.id = j.order_id
      join pros p on p.user_id = a.pro_id
     where a.state in ('accepted', 'completed')`;
  const checked = await count(tx, sql`select count(*) as n from job_assignments where state in ('accepted', 'completed')`);
  const found = await rows<Row>(
    tx,
    sql`
      select id, 'pro ' || pro_id || ' lacks ' || array_to_string(array(select unnest(needs) except select unnest(has) order by 1), ', ') as reason
        from (${needed}) n
       where not has @> needs`,
  );
  return invariant(8, 'assigned-pro-skills', checked, found);
}

/** 9. One refund per order, only for a cancelled order and never above what was paid; a cancelled order's job is cancelled with no live assignment. */
async function refundedOnceAndCancelled(tx: DbOrTx): Promise<InvariantReport> {
  const checked = await count(tx, sql`select (select count(*) from refunds) + (select count(*) from orders where cancelled_at is not null) as n`);
  const found = await rows<Row>(
    tx,
    sql`
      select order_id as id, 'refunded ' || count(*) || ' times: ' || string_agg(id, ', ' order by created_at) as reason
        from refunds group by order_id having count(*) > 1
      union all
      select r.order_id, 'refund ' || r.id || ' of ' || r.amount_cents || ' exceeds the ' || o.amount_total_cents || ' paid'
        from refunds r join orders o on o.id = r.order_id where r.amount_cents > o.amount_total_cents
      union all
      select r.order_id, 'refund ' || r.id || ' for an order that is not cancelled'
        from refunds r join orders o on o.id = r.order_id where o.cancelled_at is null
      union all
      select o.id, 'cancelled order''s job ' || j.id || ' is ' || j.status
        from orders o join dispatch_jobs j on j.order_id = o.id where o.cancelled_at is not null and j.status <> 'cancelled'
      union all
      select o.id, 'cancelled order''s job ' || j.id || ' still has live assignment ' || a.id || ' (' || a.pro_id || ')'
        from orders o join dispatch_jobs j on j.order_id = o.id join job_assignments a on a.job_id = j.id and a.state = 'accepted'
       where o.cancelled_at is not null
      union all
      select o.id, 'cancelled order has no refund'
        from orders o where o.cancelled_at is not null and not exists (select 1 from refunds r where r.order_id = o.id)`,
  );
  return invariant(9, 'refund-once-and-cancelled', checked, found);
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
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
