/**
 * Where we serve: an address is served when at least one active pro who holds every skill the cart
 * needs covers it within their own radius. The distance rule is reach.ts's, the one offers and
 * accept use, so "served" at checkout means some pro could take the job once it is paid.
 */
import { z } from 'zod';
import { desc, serviceRequests, sql, type DbOrTx, type Skill } from '@h2s/db';
import { lookupPostalCode, type PostalPlace } from '@h2s/db/geo';
import { fieldError } from './errors';
import { holdsSkillsSql, withinReachSql } from './reach';

const skillsArray = (skills: readonly Skill[]) =>
  skills.length
    ? sql`array[${sql.join(
        [...new Set(skills)].map((skill) => sql`${skill}`),
        sql`, `,
      )}]::text[]`
    : sql`'{}'::text[]`;

/** Whether some active pro with `skills` covers the place (a job there has not widened: the pro's own radius). */
export async function isServed(db: DbOrTx, place: Pick<PostalPlace, 'lat' | 'lng'>, skills: readonly Skill[]): Promise<boolean> {
  const [row] = await db.execute<{ served: boolean }>(sql`
    select exists (
      select 1 from (select ${place.lat}::float8 as lat, ${place.lng}::float8 as lng, null::timestamptz as widened_at,
                            ${skillsArray(skills)} as skills) j, pros p
       where p.active and ${holdsSkillsSql('j', 'p')} and ${withinReachSql('j', 'p')}
    ) as served`);
  return row?.served === true;
}

export const notServedMessage = (postalCode: string) => `We don't serve ${postalCode} yet`;

/** Checkout's rule: refuse, on the ZIP code field, an address nobody can serve. */
export async function assertServed(db: DbOrTx, place: PostalPlace, skills: readonly Skill[]): Promise<void> {
  if (!(await isServed(db, place, skills))) throw fieldError(['serviceAddress', 'postalCode'], notServedMessage(place.postalCode));
}

export const serviceRequestInput = z.object({
  email: z.string().trim().max(254, 'Email is too long').pipe(z.email('Enter a valid email address')),
  postalCode: z
    .string()
    .trim()
    .regex(/^\d{5}(-\d{4})?$/, 'Enter a 5-digit ZIP code'),
  skus: z.array(z.string().trim().min(1).max(64)).max(20).default([]),
});
export type ServiceRequestInput = z.input<typeof serviceRequestInput>;

/** Stores "tell me when you serve this ZIP" once per email and ZIP (asking again keeps the first). */
export async function requestService(db: DbOrTx, input: z.output<typeof serviceRequestInput>, now: Date) {
  const place = lookupPostalCode(input.postalCode);
  if (!place) throw fieldError(['postalCode'], 'We do not recognize this ZIP code');
  const skills = input.skus.length
    ? await db.execute<{ skill: Skill }>(
        sql`select distinct unnest(skills) as skill from bundles where sku in (${sql.join(
          input.skus.map((sku) => sql`${sku}`),
          sql`, `,
        )})`,
      )
    : [];
  await db
    .insert(serviceRequests)
    .values({
      email: input.email.toLowerCase(),
      postalCode: place.postalCode,
      city: place.city,
      state: place.state,
      skills: skills.map((row) => row.skill).sort(),
      createdAt: now,
    })
    .onConflictDoNothing();
  return { postalCode: place.postalCode, city: place.city, state: place.state };
}

/** Unserved demand by area for the board: where to recruit next, most asked first. */
export async function unservedDemand(db: DbOrTx, limit = 10) {
  const rows = await db
    .select({
      postalCode: serviceRequests.postalCode,
      city: sql<string>`min(${serviceRequests.city})`,
      state: sql<string>`min(${serviceRequests.state})`,
      requests: sql<number>`count(*)::int`,
      lastAt: sql<Date>`max(${serviceRequests.createdAt})`,
    })
    .from(serviceRequests)
    .where(sql`${serviceRequests.notifiedAt} is null`)
    .groupBy(serviceRequests.postalCode)
    .orderBy(desc(sql`count(*)`), desc(sql`max(${serviceRequests.createdAt})`))
    .limit(limit);
  return rows.map((row) => ({ ...row, lastAt: new Date(row.lastAt).toISOString() }));
}
