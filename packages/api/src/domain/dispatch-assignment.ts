/**
 * Around dispatch's assignment: the warning before assigning a pro outside their radius, and the
 * pro's acknowledgment of an assignment they did not ask for.
 */
import { haversineMiles, isWithinRadius } from '@h2s/scoring';
import { and, dispatchJobs, eq, isNull, jobAssignments, pros, sql, users, type Database } from '@h2s/db';
import { forbidden, needsConfirmation, notFound } from './errors';
import { jobChangePayload, LIVE_CHANNEL } from './events';

/** Refuses, until confirmed, an assignment to a pro whose radius does not reach the job. */
export async function checkAssignmentRadius(db: Database, jobId: string, proId: string, confirmed: boolean): Promise<void> {
  const [row] = await db
    .select({
      lat: dispatchJobs.lat,
      lng: dispatchJobs.lng,
      proLat: pros.lat,
      proLng: pros.lng,
      radius: pros.serviceRadiusMiles,
      name: users.name,
    })
    .from(dispatchJobs)
    .innerJoin(pros, eq(pros.userId, proId))
    .innerJoin(users, eq(users.id, pros.userId))
    .where(eq(dispatchJobs.id, jobId));
  if (!row || confirmed) return; // a missing job or pro is assignJob's to report
  if (isWithinRadius(row, { lat: row.proLat, lng: row.proLng, serviceRadiusMiles: row.radius })) return;
  const miles = haversineMiles({ lat: row.lat, lng: row.lng }, { lat: row.proLat, lng: row.proLng });
  const distance = new Intl.NumberFormat('en-US', { maximumFractionDigits: miles < 10 ? 1 : 0 }).format(miles);
  throw needsConfirmation(`${row.name} is ${distance} mi from this job, outside their ${row.radius} mi radius. Assign anyway?`);
}

/** The assigned pro acknowledges dispatch's assignment; asking again changes nothing. */
export async function acknowledgeAssignment(
  db: Database,
  jobId: string,
  proId: string,
  now: Date,
): Promise<{ jobId: string; acknowledgedAt: string }> {
  return db.transaction(async (tx) => {
    const [acknowledged] = await tx
      .update(jobAssignments)
      .set({ acknowledgedAt: now })
      .where(
        and(
          eq(jobAssignments.jobId, jobId),
          eq(jobAssignments.proId, proId),
          eq(jobAssignments.state, 'accepted'),
          isNull(jobAssignments.acknowledgedAt),
        ),
      )
      .returning({ acknowledgedAt: jobAssignments.acknowledgedAt });
    if (acknowledged) {
      // The board shows it at once; the audit trail already holds the assignment itself.
      await tx.execute(sql`select pg_notify(${LIVE_CHANNEL}, ${jobChangePayload(jobId, 'assigned', now)})`);
      return { jobId, acknowledgedAt: now.toISOString() };
    }
    const [current] = await tx
      .select({ acknowledgedAt: jobAssignments.acknowledgedAt })
      .from(jobAssignments)
      .where(and(eq(jobAssignments.jobId, jobId), eq(jobAssignments.proId, proId), eq(jobAssignments.state, 'accepted')));
    if (!current) {
      const [job] = await tx.select({ id: dispatchJobs.id }).from(dispatchJobs).where(eq(dispatchJobs.id, jobId));
      if (!job) throw notFound('Job');
      throw forbidden('This job is not assigned to you.');
    }
    return { jobId, acknowledgedAt: (current.acknowledgedAt ?? now).toISOString() };
  });
}
