import { z } from 'zod';
import { newUserId, pros, users, isUniqueViolation, type Database } from '@h2s/db';
import { lookupPostalCode } from '@h2s/db/geo';
import { hashPassword } from './auth';
import { conflict, fieldError } from './errors';

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
