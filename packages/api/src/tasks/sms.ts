/**
 * The worker's side of the text outbox. `send_sms` sends one message: it claims the attempt only
 * while the number has not opted out (one conditional UPDATE, so a STOP committed first always wins),
 * calls the provider outside any transaction, then marks it sent. A failure throws and graphile-worker
 * retries with exponential backoff; a message marked sent or suppressed is never sent again.
 * `sms_new_offer` texts the pros who asked for it about a new job in their reach.
 */
import type { Task } from 'graphile-worker';
import { and, dispatchJobs, eq, isNull, orders, smsMessages, sql, users, type Database } from '@h2s/db';
import { holdsSkillsSql, withinReachSql } from '../domain/reach';
import { renderSms } from '../domain/sms/render';
import type { SmsSender } from '../domain/sms/sender';
import type { ApiDeps } from '../trpc';

export interface SmsTaskDeps extends Pick<ApiDeps, 'customerOrigin' | 'urlSigningSecret' | 'clock'> {
  db: Database;
  /** Null: texts are not configured (production without Twilio); messages are suppressed, not sent. */
  smsSender?: SmsSender | null;
  /** Where the portal is, for links in pros' texts. */
  portalOrigin?: string | null;
}

const payloadOf = <T>(payload: unknown) => (payload ?? {}) as Partial<T>;

export function smsTasks(deps: SmsTaskDeps): Record<'send_sms' | 'sms_new_offer', Task> {
  return {
    async send_sms(payload) {
      const { smsId } = payloadOf<{ smsId: number | string }>(payload);
      if (smsId == null) return;
      const id = Number(smsId);
      const now = deps.clock.now();
      if (!deps.smsSender) {
        await deps.db
          .update(smsMessages)
          .set({ suppressedAt: now, suppressedReason: 'texts not configured' })
          .where(and(eq(smsMessages.id, id), isNull(smsMessages.sentAt), isNull(smsMessages.suppressedAt)));
        return;
      }
      // The claim: only while unsent, not suppressed, and the number has not opted out.
      const [claimed] = await deps.db
        .update(smsMessages)
        .set({ attemptedAt: now })
        .where(
          and(
            eq(smsMessages.id, id),
            isNull(smsMessages.sentAt),
            isNull(smsMessages.suppressedAt),
            sql`not exists (select 1 from sms_opt_outs o where o.phone = ${smsMessages.toPhone})`,
          ),
        )
        .returning();
      if (!claimed) {
        await deps.db
          .update(smsMessages)
          .set({ suppressedAt: now, suppressedReason: 'opted out' })
          .where(and(eq(smsMessages.id, id), isNull(smsMessages.sentAt), isNull(smsMessages.suppressedAt)));
        return;
      }
      const [context] = await deps.db
        .select({ order: orders, job: dispatchJobs, proName: users.name })
        .from(smsMessages)
        .leftJoin(orders, eq(orders.id, smsMessages.orderId))
        .leftJoin(dispatchJobs, eq(dispatchJobs.id, smsMessages.jobId))
        .leftJoin(users, eq(users.id, dispatchJobs.assignedProId))
        .where(eq(smsMessages.id, id));
      const body = renderSms(
        {
          kind: claimed.kind,
          data: claimed.data,
          order: context?.order ?? null,
          job: context?.job ?? null,
          proName: context?.proName ?? null,
        },
        deps,
        deps.portalOrigin ?? null,
      );
      // Network I/O outside any transaction; graphile-worker holds the job, so no other worker sends it meanwhile.
      const providerSid = await deps.smsSender.send({ to: claimed.toPhone, body });
      await deps.db
        .update(smsMessages)
        .set({ sentAt: deps.clock.now(), providerSid, body })
        .where(and(eq(smsMessages.id, id), isNull(smsMessages.sentAt)));
    },

    async sms_new_offer(payload) {
      const { jobId } = payloadOf<{ jobId: string }>(payload);
      if (!jobId) return;
      // One statement: each pro in reach with the skills, active, who asked for offer texts, once per job.
      await deps.db.execute(sql`
        select enqueue_sms('new_offer:' || j.id || ':' || p.user_id, 'new_offer', p.sms_offers_phone, null, j.id, p.user_id, '{}'::jsonb)
          from dispatch_jobs j join pros p on p.sms_offers_phone is not null and p.active
         where j.id = ${jobId} and j.status in ('queued', 'scheduled') and j.assigned_pro_id is null
           and ${withinReachSql('j', 'p')} and ${holdsSkillsSql('j', 'p')}`);
    },
  };
}
