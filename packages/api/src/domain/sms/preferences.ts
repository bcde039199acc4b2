/** A pro's choice to get a text for each new job near them (to a number they give). */
import { eq, pros, type DbOrTx } from '@h2s/db';
import { notFound } from '../errors';
import { textablePhone } from './phone';

export async function setOfferTexts(db: DbOrTx, proId: string, input: { enabled: boolean; phone?: string | null | undefined }) {
  const phone = input.enabled ? textablePhone(input.phone ?? '', ['phone']) : null;
  const [row] = await db
    .update(pros)
    .set({ smsOffersPhone: phone })
    .where(eq(pros.userId, proId))
    .returning({ phone: pros.smsOffersPhone });
  if (!row) throw notFound('Pro');
  return { enabled: row.phone !== null, phone: row.phone };
}

export async function offerTexts(db: DbOrTx, proId: string) {
  const [row] = await db.select({ phone: pros.smsOffersPhone }).from(pros).where(eq(pros.userId, proId));
  if (!row) throw notFound('Pro');
  return { enabled: row.phone !== null, phone: row.phone };
}
