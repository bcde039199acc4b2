/**
 * `pnpm integrity`: audits the database and the file store against the invariants of
 * CONTRACT.md. Most of them are also enforced by constraints, triggers and the code paths that
 * write the rows; the audit checks them anyway, because constraints can be dropped, skipped
 * (`session_replication_role = replica`, restores, manual fixes) or be weaker than the invariant
 * (the first job_details check trimmed spaces only and let a tab-only text through). Every check is
 * set-based SQL except the file check, which has to read the bytes.
 */
import { assignedProsHoldSkills, noOverlappingAssignments } from './dispatch-rules';
import { emailsOnce, refundedOnceAndCancelled, stripeEventsOnce } from './money-and-mail';
import { jobDetailsNotBlank, oneAcceptedAssignment, paidOrdersHaveOneJob } from './orders-and-jobs';
import { crewSeatsWithinSize } from './crews';
import { oneRatingFromItsCustomer } from './ratings';
import { textsOnce } from './texts';
import { invariant, type AuditOptions, type InvariantReport, type Report } from './report';
import { dueAtMatchesSchedule } from './schedule';
import { checkFile, dropUploadsChangedSinceSnapshot, loadUploads } from './upload-files';

export { formatReport, INVARIANT_NAMES, type AuditOptions, type Breach, type InvariantReport, type Report } from './report';

/** Runs the audit: one consistent snapshot of the database, then the bytes of every stored file. */
export async function auditIntegrity(options: AuditOptions): Promise<Report> {
  const started = Date.now();
  const { db, storage } = options;
  // One REPEATABLE READ snapshot: a job accepted between two checks must not look half-accepted.
  const { invariants, uploads } = await db
    .transaction(
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
        emails: withTexts(await emailsOnce(tx), await textsOnce(tx)),
        issue25: [await crewSeatsWithinSize(tx), await oneRatingFromItsCustomer(tx)],
      }),
      { isolationLevel: 'repeatable read', accessMode: 'read only' },
    )
    .then(({ invariants, uploads, stripe, rules, emails, issue25 }) => ({
      invariants: [...invariants, stripe, ...rules, emails, ...issue25],
      uploads,
    }));
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

/** Invariant 10 covers email and texts: one report, both tables' rows. */
function withTexts(emails: InvariantReport, texts: Pick<InvariantReport, 'checked' | 'breaches'>): InvariantReport {
  const breaches = [...emails.breaches, ...texts.breaches].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { ...emails, checked: emails.checked + texts.checked, breaches };
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
