import { z } from 'zod';
import {
  and,
  asc,
  eq,
  isUniqueViolation,
  newUserId,
  proIdSchema,
  proDaysOff,
  pros,
  proWorkingHours,
  sessions,
  SKILLS,
  users,
  type Database,
  type DbOrTx,
  type Skill,
} from '@h2s/db';
import { lookupPostalCode } from '@h2s/db/geo';
import { forgetUserSessions, hashPassword } from './auth';
import { conflict, fieldError, notFound } from './errors';

export const skillsInput = z
  .array(z.enum(SKILLS, { error: `Skills are: ${SKILLS.join(', ')}` }))
  .max(SKILLS.length)
  .transform((skills) => [...new Set(skills)].sort() as Skill[]);

export const createProInput = z.object({
  name: z.string().trim().min(1, 'Name is required').max(120),
  email: z.email('Enter a valid email address').max(254),
  password: z.string().min(12, 'Password must be at least 12 characters').max(200),
  postalCode: z
    .string()
    .trim()
    .regex(/^\d{5}$/, 'Enter a 5-digit ZIP code'),
  serviceRadiusMiles: z.number().int('Whole miles').min(1, 'At least 1 mile').max(500, 'At most 500 miles'),
  /** Omitted: every skill (a generalist, as every pro was before skills existed); [] for none. */
  skills: skillsInput.optional(),
});
export type CreateProInput = z.input<typeof createProInput>;

/** Hours a new pro starts with, every day: wide enough for every bookable window (9am to 6pm). */
export const DEFAULT_WORKING_HOURS = { startsAt: '08:00', endsAt: '18:00' } as const;

/** Onboards a pro: an account with a password, skills, default hours, and a home base geocoded from the ZIP code. */
export async function createPro(db: Database, input: CreateProInput, now: Date): Promise<{ proId: string }> {
  const place = lookupPostalCode(input.postalCode);
  if (!place) throw fieldError(['postalCode'], 'We do not recognize this ZIP code');
  const passwordHash = await hashPassword(input.password);
  const proId = newUserId();
  const skills = input.skills ? [...new Set(input.skills)].sort() : [...SKILLS];
  try {
    await db.transaction(async (tx) => {
      await tx.insert(users).values({ id: proId, role: 'pro', email: input.email, name: input.name, passwordHash, createdAt: now });
      await tx.insert(pros).values({
        userId: proId,
        postalCode: place.postalCode,
        city: place.city,
        state: place.state,
        lat: place.lat,
        lng: place.lng,
        timezone: place.timezone,
        serviceRadiusMiles: input.serviceRadiusMiles,
        skills,
        createdAt: now,
      });
      await tx.insert(proWorkingHours).values([1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ proId, weekday, ...DEFAULT_WORKING_HOURS })));
    });
  } catch (error) {
    if (isUniqueViolation(error, 'users_email_lower_key')) throw conflict('An account with this email already exists.');
    throw error;
  }
  return { proId };
}

export const updateProInput = z.object({
  proId: proIdSchema,
  name: createProInput.shape.name.optional(),
  postalCode: createProInput.shape.postalCode.optional(),
  serviceRadiusMiles: createProInput.shape.serviceRadiusMiles.optional(),
  /** false pauses the pro: no offers until resumed. */
  active: z.boolean().optional(),
  /** A new password; every session of the pro ends, so only the new password signs in. */
  password: createProInput.shape.password.optional(),
});
export type UpdateProInput = z.infer<typeof updateProInput>;

/** An admin edits a pro: name, home ZIP, radius, paused or active, and optionally a new password. */
export async function updatePro(
  db: Database,
  input: UpdateProInput,
): Promise<{ proId: string; name: string; postalCode: string; serviceRadiusMiles: number; active: boolean }> {
  const place = input.postalCode === undefined ? null : lookupPostalCode(input.postalCode);
  if (input.postalCode !== undefined && !place) throw fieldError(['postalCode'], 'We do not recognize this ZIP code');
  // Hashing is slow on purpose; it happens before the transaction opens.
  const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
  const result = await db.transaction(async (tx) => {
    const [pro] = await tx
      .select({ userId: pros.userId })
      .from(pros)
      .innerJoin(users, and(eq(users.id, pros.userId), eq(users.role, 'pro')))
      .where(eq(pros.userId, input.proId))
      .for('update');
    if (!pro) throw notFound('Pro');
    if (input.name !== undefined || passwordHash) {
      await tx
        .update(users)
        .set({ ...(input.name !== undefined ? { name: input.name } : {}), ...(passwordHash ? { passwordHash } : {}) })
        .where(eq(users.id, input.proId));
    }
    if (passwordHash) await tx.delete(sessions).where(eq(sessions.userId, input.proId));
    const changes = {
      ...(place
        ? { postalCode: place.postalCode, city: place.city, state: place.state, lat: place.lat, lng: place.lng, timezone: place.timezone }
        : {}),
      ...(input.serviceRadiusMiles !== undefined ? { serviceRadiusMiles: input.serviceRadiusMiles } : {}),
      ...(input.active !== undefined ? { active: input.active } : {}),
    };
    if (Object.keys(changes).length) await tx.update(pros).set(changes).where(eq(pros.userId, input.proId));
    const [updated] = await tx
      .select({ postalCode: pros.postalCode, serviceRadiusMiles: pros.serviceRadiusMiles, active: pros.active })
      .from(pros)
      .where(eq(pros.userId, input.proId));
    const [user] = await tx.select({ name: users.name }).from(users).where(eq(users.id, input.proId));
    return { proId: input.proId, name: user!.name, ...updated! };
  });
  // The old sessions are gone: no request on this process may still ride a cached one.
  if (passwordHash) forgetUserSessions(input.proId);
  return result;
}

/** Admins set a pro's skills (onboarding and later). */
export async function setProSkills(db: DbOrTx, proId: string, skills: Skill[]): Promise<{ proId: string; skills: Skill[] }> {
  const [row] = await db.update(pros).set({ skills }).where(eq(pros.userId, proId)).returning({ proId: pros.userId, skills: pros.skills });
  if (!row) throw notFound('Pro');
  return row;
}

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Use 24-hour HH:MM');

export const availabilityInput = z.object({
  /** Weekly hours, in the pro's own timezone; a weekday left out is a day off every week. */
  hours: z
    .array(
      z
        .object({ weekday: z.number().int().min(1).max(7), startsAt: hhmm, endsAt: hhmm })
        .refine((h) => h.startsAt < h.endsAt, { message: 'Start before you finish', path: ['endsAt'] }),
    )
    .max(7)
    .refine((hours) => new Set(hours.map((h) => h.weekday)).size === hours.length, 'One set of hours per weekday'),
  /** Single days off (vacation, appointments): YYYY-MM-DD in the pro's timezone. */
  daysOff: z
    .array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Date must look like 2026-01-15'))
    .max(366)
    .transform((days) => [...new Set(days)].sort()),
});
export type AvailabilityInput = z.infer<typeof availabilityInput>;

export interface Availability {
  proId: string;
  timezone: string;
  hours: { weekday: number; startsAt: string; endsAt: string }[];
  daysOff: string[];
}

export async function getAvailability(db: DbOrTx, proId: string): Promise<Availability> {
  const [pro] = await db.select({ timezone: pros.timezone }).from(pros).where(eq(pros.userId, proId));
  if (!pro) throw notFound('Pro');
  const hours = await db
    .select({ weekday: proWorkingHours.weekday, startsAt: proWorkingHours.startsAt, endsAt: proWorkingHours.endsAt })
    .from(proWorkingHours)
    .where(eq(proWorkingHours.proId, proId))
    .orderBy(asc(proWorkingHours.weekday));
  const daysOff = await db.select({ day: proDaysOff.day }).from(proDaysOff).where(eq(proDaysOff.proId, proId)).orderBy(asc(proDaysOff.day));
  return {
    proId,
    timezone: pro.timezone,
    hours: hours.map((h) => ({ weekday: h.weekday, startsAt: h.startsAt.slice(0, 5), endsAt: h.endsAt.slice(0, 5) })),
    daysOff: daysOff.map((d) => d.day),
  };
}

/** Replaces the pro's weekly hours and days off in one transaction. */
export async function setAvailability(db: Database, proId: string, input: AvailabilityInput): Promise<Availability> {
  await db.transaction(async (tx) => {
    const [pro] = await tx.select({ id: pros.userId }).from(pros).where(eq(pros.userId, proId)).for('update');
    if (!pro) throw notFound('Pro');
    await tx.delete(proWorkingHours).where(eq(proWorkingHours.proId, proId));
    await tx.delete(proDaysOff).where(eq(proDaysOff.proId, proId));
    if (input.hours.length) await tx.insert(proWorkingHours).values(input.hours.map((h) => ({ proId, ...h })));
    if (input.daysOff.length) await tx.insert(proDaysOff).values(input.daysOff.map((day) => ({ proId, day })));
  });
  return getAvailability(db, proId);
}
