/**
 * The worker's side of the text outbox. `send_sms` sends one message: it claims the attempt only
 * while the number has not opted out (one conditional UPDATE, so a STOP committed first always wins),
 * records the attempt and the text's body, calls the provider outside any transaction, then marks it
 * sent. Twilio has no idempotency key, so a retry after an attempt that may have reached it (the worker
 * died after Twilio accepted, before marking sent) first asks Twilio for that exact text to that number
 * and marks it sent instead of sending it again. A failure throws and graphile-worker
 * retries with exponential backoff; a message marked sent or suppressed is never sent again.
 * `sms_new_offer` texts the pros who asked for it about a new job in their reach.
 */
import type { Task } from 'graphile-worker';
import { and, eq, isNull, smsMessages, sql, type Database } from '@h2s/db';
import { holdsSkillsSql, withinReachSql } from '../domain/reach';
import { renderStoredSms } from '../domain/sms/outbox';
import type { SmsSender } from '../domain/sms/sender';
import type { ApiDeps } from '../trpc';

export interface SmsTaskDeps extends Pick<ApiDeps, 'customerOrigin' | 'urlSigningSecret' | 'clock'> {
  db: Database;
  /** Null: texts are off (production without Twilio, or SMS_MODE=off); messages are suppressed, not sent. */
  smsSender?: SmsSender | null;
  /** Why, recorded on each suppressed text (default: not configured). */
  smsOffReason?: string;
  /** Where the portal is, for links in pros' texts. */
  portalOrigin?: string | null;
}

const payloadOf = <T>(payload: unknown) => (payload ?? {}) as Partial<T>;

type ClaimedSms = {
  id: number;
  kind: (typeof smsMessages.$inferSelect)['kind'];
  data: (typeof smsMessages.$inferSelect)['data'];
  to_phone: string;
  body: string | null;
  previous_attempt: string | null;
  created_at: string;
};

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
          .set({ suppressedAt: now, suppressedReason: deps.smsOffReason || 'texts not configured' })
          .where(and(eq(smsMessages.id, id), isNull(smsMessages.sentAt), isNull(smsMessages.suppressedAt)));
        return;
      }
      // The claim: only while unsent, not suppressed, and the number has not opted out. It records the
      // attempt before the provider is called, and returns whether an earlier attempt was made.
      const [claimed] = await deps.db.execute<ClaimedSms>(sql`
        with prev as (select id, attempted_at from sms_messages where id = ${id} for update)
        update sms_messages s set attempted_at = ${now.toISOString()}::timestamptz
          from prev
         where s.id = prev.id and s.sent_at is null and s.suppressed_at is null
           and not exists (select 1 from sms_opt_outs o where o.phone = s.to_phone)
        returning s.id, s.kind, s.data, s.to_phone, s.body, prev.attempted_at as previous_attempt, s.created_at`);
      if (!claimed) {
        await deps.db
          .update(smsMessages)
          .set({ suppressedAt: now, suppressedReason: 'opted out' })
          .where(and(eq(smsMessages.id, id), isNull(smsMessages.sentAt), isNull(smsMessages.suppressedAt)));
        return;
      }
      const previous = claimed.previous_attempt !== null;
      // A retry sends the very text the earlier attempt did (so it can be recognised at the provider).
      const body =
        previous && claimed.body
          ? claimed.body
          : await renderStoredSms(deps.db, deps, { id, kind: claimed.kind, data: claimed.data }, deps.portalOrigin ?? null);
      if (body !== claimed.body) await deps.db.update(smsMessages).set({ body }).where(eq(smsMessages.id, id));
      const message = { to: claimed.to_phone, body };
      let providerSid: string | null = null;
      if (previous) {
        // An earlier attempt may have reached Twilio before its worker died: look before sending again, at
        // everything since the text was queued (not since the last attempt: that one may have died before
        // Twilio, and an attempt before it reached Twilio). Sids other texts to this number hold are theirs.
        const since = new Date(claimed.created_at);
        const taken = await deps.db.execute<{ sid: string }>(
          sql`select provider_sid as sid from sms_messages
               where to_phone = ${claimed.to_phone} and provider_sid is not null and sent_at >= ${since.toISOString()}::timestamptz - interval '1 hour'`,
        );
        providerSid = await deps.smsSender.findSent(message, since, new Set(taken.map((t) => t.sid)));
      }
      // Network I/O outside any transaction; graphile-worker holds the job, so no other worker sends it meanwhile.
      providerSid ??= await deps.smsSender.send(message);
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
