import { randomUUID } from 'node:crypto';
import { desc, outboundEmails, type Database } from '@h2s/db';
import { enqueueEmail } from './notifications';

/**
 * Account mail (sign-in links). With SMTP configured (SMTP_URL, always in production) it goes
 * through the outbox and the worker like every customer message; in development without SMTP it
 * goes straight to the outbound_emails table (the dev outbox page) and the server log.
 */
export async function sendMail(
  db: Database,
  to: string,
  subject: string,
  body: string,
  now: Date,
  options: { viaWorker?: boolean } = {},
): Promise<void> {
  if (options.viaWorker) {
    await enqueueEmail(db, { kind: 'sign_in_link', key: `sign_in_link:${randomUUID()}`, orderId: null, data: { to, subject, body } });
    return;
  }
  await db.insert(outboundEmails).values({ toAddress: to, subject, body, createdAt: now });
  console.info(`[mail] to=${to} subject=${JSON.stringify(subject)}\n${body}`);
}

/** The development outbox page: the 20 newest messages the app would have sent. */
export async function devOutbox(db: Database) {
  const emails = await db.select().from(outboundEmails).orderBy(desc(outboundEmails.id)).limit(20);
  return emails.map((e) => ({ ...e, createdAt: e.createdAt.toISOString() }));
}
