/** TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM: all three or none, each in its own shape (see config.ts). */
import type { TwilioSettings } from './domain/sms/sender';

export type { TwilioSettings };

export const TWILIO_PURPOSE = {
  TWILIO_ACCOUNT_SID:
    'Sends texts through Twilio: the account SID (AC followed by 32 hex characters); set all three TWILIO_ variables or none.',
  TWILIO_AUTH_TOKEN:
    "Sends texts and verifies Twilio's inbound webhooks: the account's auth token; set all three TWILIO_ variables or none.",
  TWILIO_FROM:
    'The sender of texts: a phone number in E.164 (+13125550100) or a Messaging Service SID (MG...); set all three TWILIO_ variables or none.',
} as const;

type TwilioVariable = keyof typeof TWILIO_PURPOSE;

export function twilioSettings(
  env: Partial<Record<TwilioVariable, string | undefined>>,
  need: (variable: TwilioVariable, problem?: string) => void,
): TwilioSettings | null {
  const names = Object.keys(TWILIO_PURPOSE) as TwilioVariable[];
  const set = names.filter((n) => env[n]);
  if (set.length === 0) return null;
  if (set.length < names.length) {
    for (const n of names) if (!env[n]) need(n, `missing (${set.join(' and ')} ${set.length === 1 ? 'is' : 'are'} set: all three or none)`);
    return null;
  }
  const { TWILIO_ACCOUNT_SID: accountSid = '', TWILIO_AUTH_TOKEN: authToken = '', TWILIO_FROM: from = '' } = env;
  let ok = true;
  if (!/^AC[0-9a-fA-F]{32}$/.test(accountSid)) ok = (need('TWILIO_ACCOUNT_SID', 'not a Twilio account SID'), false);
  if (!/^[0-9a-zA-Z]{32}$/.test(authToken)) ok = (need('TWILIO_AUTH_TOKEN', 'not a Twilio auth token (32 characters)'), false);
  if (!/^\+[1-9][0-9]{7,14}$/.test(from) && !/^MG[0-9a-fA-F]{32}$/.test(from))
    ok = (need('TWILIO_FROM', 'neither an E.164 number (+13125550100) nor a Messaging Service SID (MG...)'), false);
  return ok ? { accountSid, authToken, from } : null;
}
