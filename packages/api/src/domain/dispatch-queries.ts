/** Dispatch's queries beside the board: pros by distance from a job, and a job's audit trail. */
import { haversineMiles, isWithinRadius } from '@h2s/scoring';
import { asc, dispatchJobs, eq, jobEvents, pros, users, type DbOrTx } from '@h2s/db';
import { notFound } from './errors';

export async function prosWithDistance(db: DbOrTx, jobId?: string) {
  const job = jobId ? (await db.select().from(dispatchJobs).where(eq(dispatchJobs.id, jobId)))[0] : undefined;
  if (jobId && !job) throw notFound('Job');
  const rows = await db
    .select({
      id: pros.userId,
      name: users.name,
      email: users.email,
      city: pros.city,
      state: pros.state,
      postalCode: pros.postalCode,
      lat: pros.lat,
      lng: pros.lng,
      serviceRadiusMiles: pros.serviceRadiusMiles,
      active: pros.active,
      skills: pros.skills,
    })
    .from(pros)
    .innerJoin(users, eq(users.id, pros.userId))
    .orderBy(asc(users.name));
  return rows
    .map(({ lat, lng, ...pro }) => {
      const distanceMiles = job ? Math.round(haversineMiles({ lat, lng }, job) * 10) / 10 : null;
      // The same rule offers and accept use, so "within radius" here means the pro could take it.
      const withinRadius = job ? isWithinRadius(job, { lat, lng, serviceRadiusMiles: pro.serviceRadiusMiles }) : null;
      return { ...pro, distanceMiles, withinRadius };
    })
    .sort((a, b) => (a.distanceMiles ?? 0) - (b.distanceMiles ?? 0) || a.name.localeCompare(b.name));
}

export async function jobHistory(db: DbOrTx, jobId: string) {
  return db
    .select({
      id: jobEvents.id,
      type: jobEvents.type,
      actorRole: jobEvents.actorRole,
      actorName: users.name,
      data: jobEvents.data,
      createdAt: jobEvents.createdAt,
    })
    .from(jobEvents)
    .leftJoin(users, eq(users.id, jobEvents.actorUserId))
    .where(eq(jobEvents.jobId, jobId))
    .orderBy(asc(jobEvents.id));
}
