/**
 * The words of a text from its outbox row (its order, job and pro as they are now), and the dev
 * outbox's list of texts: what each one says, to whom, and whether it was sent.
 */
import { desc, dispatchJobs, eq, orders, smsMessages, users, type Database } from '@h2s/db';
import type { ApiDeps } from '../deps';
import { renderSms } from './render';

type SmsRow = typeof smsMessages.$inferSelect;

export async function renderStoredSms(
  db: Database,
  deps: Pick<ApiDeps, 'customerOrigin' | 'urlSigningSecret'>,
  sms: { id: number; kind: SmsRow['kind']; data: SmsRow['data'] },
  portalOrigin: string | null,
): Promise<string> {
  const [context] = await db
    .select({ order: orders, job: dispatchJobs, proName: users.name })
    .from(smsMessages)
    .leftJoin(orders, eq(orders.id, smsMessages.orderId))
    .leftJoin(dispatchJobs, eq(dispatchJobs.id, smsMessages.jobId))
    .leftJoin(users, eq(users.id, dispatchJobs.assignedProId))
    .where(eq(smsMessages.id, sms.id));
  return renderSms(
    { kind: sms.kind, data: sms.data, order: context?.order ?? null, job: context?.job ?? null, proName: context?.proName ?? null },
    deps,
    portalOrigin,
  );
}

export interface DevText {
  id: number;
  toPhone: string;
  kind: string;
  /** 'sent', 'queued' (waiting for the worker) or 'not sent: <why>'. */
  status: string;
  /** The text as sent, or as it would be sent now. */
  body: string;
  createdAt: string;
}

/** The development outbox: the 20 newest texts. */
export async function devTextOutbox(db: Database, deps: Pick<ApiDeps, 'customerOrigin' | 'urlSigningSecret'>): Promise<DevText[]> {
  const rows = await db.select().from(smsMessages).orderBy(desc(smsMessages.id)).limit(20);
  return Promise.all(
    rows.map(async (row) => ({
      id: row.id,
      toPhone: row.toPhone,
      kind: row.kind,
      status: row.sentAt ? 'sent' : row.suppressedAt ? `not sent: ${row.suppressedReason ?? 'suppressed'}` : 'queued',
      body: row.body ?? (await renderStoredSms(db, deps, row, null)),
      createdAt: row.createdAt.toISOString(),
    })),
  );
}
