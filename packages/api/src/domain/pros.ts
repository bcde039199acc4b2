import { z } from 'zod';
import { and, eq, newUserId, pros, sessions, users, isUniqueViolation, type Database } from '@h2s/db';
import { lookupPostalCode } from '@h2s/db/geo';
import { hashPassword } from './auth';
import { conflict, fieldError, notFound } from './errors';

export const createProInput = z.object({
  name: z.string().trim().min(1, 'Name is required').max(120),
  email: z.email('Enter a valid email address').max(254),
  password: z.string().min(12, 'Password must be at least 12 characters').max(200),
  postalCode: z.string().trim().regex(/^\d{5}$/, 'Enter a 5-digit ZIP code'),
  serviceRadiusMiles: z.number().int('Whole miles').min(1, 'At least 1 mile').max(500, 'At most 500 miles'),
});
export type CreateProInput = z.infer<typeof createProInput>;

/** Onboards a pro: an account with a password, and a home base geocoded from the ZIP code. */
export async function createPro(db: Database, input: CreateProInput, now: Date): Promise<{ proId: string }> {
  const place = lookupPostalCode(input.postalCode);
  if (!place) throw fieldError(['postalCode'], 'We do not recognize this ZIP code');
  const passwordHash = await hashPassword(input.password);
  const proId = newUserId();
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
        createdAt: now,
      });
    });
  } catch (error) {
    if (isUniqueViolation(error, 'users_email_lower_key')) throw conflict('An account with this email already exists.');
    throw error;
  }
  return { proId };
}

export const updateProInput = z.object({
  proId: z.string().trim().regex(/^USR-[A-Z2-7]{10}$/, 'Not a pro id'),
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
export async function updatePro(db: Database, input: UpdateProInput): Promise<{ proId: string; name: string; postalCode: string; serviceRadiusMiles: number; active: boolean }> {
  const place = input.postalCode === undefined ? null : lookupPostalCode(input.postalCode);
  if (input.postalCode !== undefined && !place) throw fieldError(['postalCode'], 'We do not recognize this ZIP code');
  // Hashing is slow on purpose; it happens before the transaction opens.
  const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
  return db.transaction(async (tx) => {
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
      ...(place ? { postalCode: place.postalCode, city: place.city, state: place.state, lat: place.lat, lng: place.lng, timezone: place.timezone } : {}),
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
}
