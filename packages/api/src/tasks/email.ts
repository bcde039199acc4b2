/**
 * The worker's side of the outbox: send one notification (send_email) and turn a due reminder
 * into a notification (send_reminder). A send that fails throws, and graphile-worker retries it
 * with exponential backoff; a notification already marked sent is never sent again.
 */
import type { Task } from 'graphile-worker';
import { dispatchJobs, emailNotifications, eq, isNull, and, orders, outboundEmails, users, type Database } from '@h2s/db';
import { accountEmail, renderEmail, type Mailer } from '../domain/email';
import { enqueueEmail } from '../domain/notifications';
import type { ApiDeps } from '../trpc';

export interface EmailTaskDeps extends Pick<ApiDeps, 'customerOrigin' | 'urlSigningSecret'> {
  db: Database;
  mailer: Mailer;
}

const payloadOf = <T>(payload: unknown) => (payload ?? {}) as Partial<T>;

export function emailTasks(deps: EmailTaskDeps): Record<'send_email' | 'send_reminder', Task> {
  return {
    async send_email(payload) {
      const { notificationId } = payloadOf<{ notificationId: number | string }>(payload);
      if (notificationId == null) return;
      const [row] = await deps.db
        .select({ n: emailNotifications, order: orders, dueAt: dispatchJobs.dueAt, proName: users.name })
        .from(emailNotifications)
        .leftJoin(orders, eq(orders.id, emailNotifications.orderId))
        .leftJoin(dispatchJobs, eq(dispatchJobs.id, emailNotifications.jobId))
        .leftJoin(users, eq(users.id, dispatchJobs.assignedProId))
        .where(eq(emailNotifications.id, Number(notificationId)));
      if (!row || row.n.sentAt) return;
      const message = row.order
        ? renderEmail(
            {
              kind: row.n.kind,
              idempotencyKey: row.n.idempotencyKey,
              data: row.n.data,
              order: row.order,
              job: row.n.jobId ? { id: row.n.jobId, dueAt: row.dueAt, proName: row.proName } : null,
            },
            deps,
          )
        : accountEmail(row.n.idempotencyKey, row.n.data);
      // Network I/O outside any transaction; graphile-worker holds the job, so no other worker sends it meanwhile.
      await deps.mailer.send(message);
      await deps.db.transaction(async (tx) => {
        const [marked] = await tx
          .update(emailNotifications)
          .set({ sentAt: new Date(), messageId: message.messageId })
          .where(and(eq(emailNotifications.id, row.n.id), isNull(emailNotifications.sentAt)))
          .returning({ id: emailNotifications.id });
        if (marked) {
          await tx
            .insert(outboundEmails)
            .values({ toAddress: message.to, subject: message.subject, body: message.text, idempotencyKey: row.n.idempotencyKey })
            .onConflictDoNothing();
        }
      });
    },

    async send_reminder(payload) {
      const { jobId, dueAt } = payloadOf<{ jobId: string; dueAt: string }>(payload);
      if (!jobId || !dueAt) return;
      await deps.db.transaction(async (tx) => {
        const [job] = await tx
          .select({ orderId: dispatchJobs.orderId, status: dispatchJobs.status, dueAt: dispatchJobs.dueAt })
          .from(dispatchJobs)
          .where(eq(dispatchJobs.id, jobId))
          .for('update');
        // A reschedule replaces this job and a cancellation removes it; this guards a run already under way.
        if (!job || job.dueAt?.toISOString() !== dueAt || !['scheduled', 'accepted'].includes(job.status)) return;
        await enqueueEmail(tx, { kind: 'reminder', key: `reminder:${jobId}:${dueAt}`, orderId: job.orderId, jobId, data: { dueAt } });
      });
    },
  };
}
