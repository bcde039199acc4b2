/**
 * Replies to our texts: STOP (and the carriers' synonyms) opts the number out at once, START (and
 * synonyms) opts it back in, HELP answers with the company's contact. Each inbound message is applied
 * once (its MessageSid is the key), so Twilio redelivering a webhook changes nothing twice.
 */
import { and, eq, isNull, smsInbound, smsMessages, smsOptOuts, type Database } from '@h2s/db';
import { toE164 } from './phone';
import { HELP_REPLY } from './render';

export type InboundAction = 'stop' | 'start' | 'help' | 'other';

/** The keywords carriers and Twilio treat as opt-out, opt-in and help (CTIA; Twilio's Advanced Opt-Out defaults). */
const KEYWORDS: Record<Exclude<InboundAction, 'other'>, readonly string[]> = {
  stop: ['STOP', 'STOPALL', 'STOP ALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT', 'OPT OUT'],
  start: ['START', 'YES', 'UNSTOP', 'SUBSCRIBE'],
  help: ['HELP', 'INFO'],
};

/** The whole message is the keyword (case, spaces and trailing punctuation aside), as carriers read it. */
export function inboundAction(body: string): InboundAction {
  const word = body
    .trim()
    .toUpperCase()
    .replace(/[.!?\s]+$/, '')
    .replace(/\s+/g, ' ');
  for (const action of ['stop', 'start', 'help'] as const) if (KEYWORDS[action].includes(word)) return action;
  return 'other';
}

export interface InboundText {
  messageSid: string;
  from: string;
  body: string;
}

/**
 * Applies one inbound text in one transaction; returns what to answer (null: no reply; Twilio itself
 * confirms STOP and START on its numbers).
 */
export async function applyInboundText(
  db: Database,
  text: InboundText,
  now: Date,
): Promise<{ action: InboundAction; reply: string | null }> {
  const from = toE164(text.from) ?? text.from;
  const action = inboundAction(text.body);
  const reply = action === 'help' ? HELP_REPLY : null;
  await db.transaction(async (tx) => {
    const [fresh] = await tx
      .insert(smsInbound)
      .values({ messageSid: text.messageSid, fromPhone: from, body: text.body.slice(0, 1600), action, receivedAt: now })
      .onConflictDoNothing()
      .returning({ sid: smsInbound.messageSid });
    if (!fresh || !toE164(from)) return;
    if (action === 'stop') {
      await tx
        .insert(smsOptOuts)
        .values({ phone: from, optedOutAt: now, keyword: text.body.trim().slice(0, 40) })
        .onConflictDoNothing();
      // At once: what is still waiting for this number is never sent.
      await tx
        .update(smsMessages)
        .set({ suppressedAt: now, suppressedReason: 'opted out' })
        .where(and(eq(smsMessages.toPhone, from), isNull(smsMessages.sentAt), isNull(smsMessages.suppressedAt)));
    } else if (action === 'start') {
      await tx.delete(smsOptOuts).where(eq(smsOptOuts.phone, from));
    }
  });
  return { action, reply };
}
