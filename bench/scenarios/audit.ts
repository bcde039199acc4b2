/** The integrity audit over everything the other scenarios wrote: it must find no breach. */
import { auditIntegrity } from '@h2s/api/integrity';
import { localFileStore } from '@h2s/api/toolkit';
import { failures, fmt, log, rows, type Arena } from '../lib/context';
import { timed } from '../lib/stats';

export async function integrityAudit(arena: Arena) {
  const audited = await timed(() => auditIntegrity({ db: arena.database.db, storage: localFileStore(arena.uploadDir) }));
  const auditRows = audited.value.invariants.reduce((sum, inv) => sum + inv.checked, 0);
  rows.push({
    name: 'pnpm integrity audit of this database',
    http: `${fmt(Math.round(audited.ms))} ms, ${fmt(auditRows)} rows checked`,
    baseline: '–',
    target: '0 breaches',
    result: audited.value.ok ? 'pass' : 'miss',
    detail: audited.value.ok
      ? undefined
      : audited.value.invariants
          .filter((i) => i.breaches.length)
          .map((i) => `${i.number}: ${i.breaches.length} (${i.breaches[0]?.reason})`)
          .join('; '),
  });
  if (!audited.value.ok) failures.push('the integrity audit found breaches in the bench database');
  log(`integrity audit: ${audited.value.ok ? 'clean' : `${audited.value.breachCount} breaches`} in ${Math.round(audited.ms)} ms`);
  return { ms: Math.round(audited.ms), rowsChecked: auditRows, breaches: audited.value.breachCount };
}
