import { outboundEmails, type DbOrTx } from '@h2s/db';

/**
 * Mail goes to the outbound_emails table (the dev outbox page reads it) and the server log.
 * A production deployment would relay these through SMTP; see README.
 */
export async function sendMail(db: DbOrTx, to: string, subject: string, body: string, now: Date): Promise<void> {
  await db.insert(outboundEmails).values({ toAddress: to, subject, body, createdAt: now });
  console.info(`[mail] to=${to} subject=${JSON.stringify(subject)}\n${body}`);
}
