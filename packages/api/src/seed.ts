import { Temporal } from 'temporal-polyfill';
import { bundles, newUserId, sql, users, type Database } from '@h2s/db';
import { hashPassword } from './domain/auth';
import { applyStripeEvent, createCheckout } from './domain/checkout';
import { signTestEvent, testPayments, DEV_WEBHOOK_SECRET } from './domain/payments';
import { createPro } from './domain/pros';
import { localToday, scheduleOrder } from './domain/schedule';
import { DEMO_ADMIN, DEMO_BUNDLES, DEMO_ORDERS, DEMO_PRO_PASSWORD, DEMO_PROS } from './seed-data';

export async function seedCatalog(db: Database): Promise<void> {
  for (const [position, bundle] of DEMO_BUNDLES.entries()) {
    const row = { ...bundle, items: [...bundle.items], equipment: [...bundle.equipment], skills: [...bundle.skills], position };
    await db.insert(bundles).values(row).onConflictDoUpdate({ target: bundles.sku, set: row });
  }
}

const emailExists = async (db: Database, email: string) =>
  (
    await db
      .select({ id: users.id })
      .from(users)
      .where(sql`lower(${users.email}) = ${email.toLowerCase()}`)
  ).length > 0;

/**
 * The demo catalog, admin, pros and a few paid jobs (two scheduled relative to `now`). Safe to run
 * again: anything already there is left as it is.
 */
export async function seedDemo(db: Database, now: Date, customerOrigin = 'http://localhost:5173'): Promise<{ created: string[] }> {
  const created: string[] = [];
  await seedCatalog(db);
  if (!(await emailExists(db, DEMO_ADMIN.email))) {
    await db.insert(users).values({
      id: newUserId(),
      role: 'admin',
      email: DEMO_ADMIN.email,
      name: DEMO_ADMIN.name,
      passwordHash: await hashPassword(DEMO_ADMIN.password),
    });
    created.push(`admin ${DEMO_ADMIN.email}`);
  }
  for (const pro of DEMO_PROS) {
    if (await emailExists(db, pro.email)) continue;
    await createPro(db, { ...pro, skills: [...pro.skills], password: DEMO_PRO_PASSWORD }, now);
    created.push(`pro ${pro.email}`);
  }
  // The seed pays through the built-in test checkout and the real webhook path, whatever the env says.
  const payments = testPayments(process.env.STRIPE_WEBHOOK_SECRET || DEV_WEBHOOK_SECRET, customerOrigin);
  for (const demo of DEMO_ORDERS) {
    if (await emailExists(db, demo.customer.email)) continue;
    const order = await createCheckout(
      { db, payments, customerOrigin },
      { ...demo, items: demo.items.map((i) => ({ ...i })), serviceAddress: { ...demo.serviceAddress }, notes: demo.notes },
      now,
    );
    const { payload, signature } = signTestEvent(payments, {
      type: 'checkout.session.completed',
      sessionId: order.sessionId,
      orderId: order.orderId,
      amountTotalCents: order.amountTotalCents,
      paymentStatus: 'paid',
    });
    const paid = await applyStripeEvent({ db, payments }, payload, signature, now);
    if (paid.outcome === 'refused') throw new Error(`seed payment failed: ${paid.reason}`);
    if (demo.schedule) {
      const timezone = order.timezone;
      const date = Temporal.PlainDate.from(localToday(timezone, now)).add({ days: demo.schedule.inDays }).toString();
      await scheduleOrder(
        db,
        { sessionId: order.sessionId },
        { date, timezone, timeWindow: demo.schedule.window },
        { userId: null, role: 'system' },
        now,
      );
    }
    created.push(`order ${order.orderId} for ${demo.customer.email}`);
  }
  return { created };
}
