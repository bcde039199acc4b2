/**
 * How a text leaves: Twilio's official SDK when TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM
 * are set, or, in development without them, the dev outbox (the message stays in sms_messages with its
 * body, and the log shows it).
 */
import twilio from 'twilio';

export interface OutgoingSms {
  to: string;
  body: string;
}

export interface SmsSender {
  /** Resolves to the provider's message id; throws when the provider refused or could not be reached. */
  send(message: OutgoingSms): Promise<string>;
  /**
   * The provider's id of this exact message (to, body) accepted since `since`, if an earlier attempt
   * reached the provider before the worker died; ids in `taken` belong to other texts and never match.
   */
  findSent(message: OutgoingSms, since: Date, taken: ReadonlySet<string>): Promise<string | null>;
  readonly name: 'twilio' | 'outbox';
}

export interface TwilioSettings {
  accountSid: string;
  authToken: string;
  /** A sender number (E.164) or a Messaging Service SID (MG...). */
  from: string;
}

export function twilioSender(settings: TwilioSettings, options: { httpClient?: twilio.RequestClient } = {}): SmsSender {
  const client = twilio(settings.accountSid, settings.authToken, options.httpClient ? { httpClient: options.httpClient } : {});
  const sender = settings.from.startsWith('MG') ? { messagingServiceSid: settings.from } : { from: settings.from };
  return {
    name: 'twilio',
    async send(message) {
      const sent = await client.messages.create({ to: message.to, body: message.body, ...sender });
      return sent.sid;
    },
    async findSent(message, since, taken) {
      // Twilio has no idempotency key: ask for the latest messages to this number from our sender. Not
      // filtered by dateSent on the server: a message Twilio accepted may still be queued (no date sent).
      const recent = await client.messages.list({ to: message.to, ...('from' in sender ? { from: sender.from } : {}), limit: 50 });
      const earliest = since.getTime() - 60_000; // the provider's clock may run a little behind ours
      const match = recent.find(
        (m) => m.body === message.body && !taken.has(m.sid) && (m.dateCreated ? m.dateCreated.getTime() >= earliest : true),
      );
      return match?.sid ?? null;
    },
  };
}

let outboxCounter = 0;
/** Development without Twilio: logged, kept in sms_messages (the dev outbox). */
export const outboxSender = (): SmsSender => ({
  name: 'outbox',
  async send(message) {
    console.info(`[sms] to=${message.to}\n${message.body}`);
    return `outbox-${Date.now().toString(36)}-${++outboxCounter}`;
  },
  // The dev outbox reaches no one: a retry may log the text again, nothing is delivered twice.
  findSent: async () => null,
});

/** How texts go out, decided once: who sends them (null: nobody), what the worker's log says, and why a text is not sent. */
export interface SmsSetup {
  sender: SmsSender | null;
  description: string;
  /** Recorded on each text that is not sent, when sender is null. */
  offReason: string;
}

/** SMS_MODE=off turns texts off; else Twilio when configured, the dev outbox in development, none in production. */
export function smsSetup(settings: TwilioSettings | null, options: { production: boolean; off: boolean }): SmsSetup {
  if (options.off)
    return {
      sender: null,
      description: 'off (SMS_MODE=off): texts are recorded, never sent',
      offReason: 'texts turned off (SMS_MODE=off)',
    };
  if (settings) return { sender: twilioSender(settings), description: 'Twilio', offReason: '' };
  if (!options.production) return { sender: outboxSender(), description: 'dev outbox', offReason: '' };
  return { sender: null, description: 'off (no TWILIO_ settings)', offReason: 'texts not configured' };
}
