/** Phone numbers as texts need them: E.164 (`+13125550142`); US numbers may be written any usual way. */
import { E164_PATTERN } from '@h2s/db';
import { fieldError } from '../errors';

/** `(312) 555-0142`, `312.555.0142`, `1 312 555 0142` → `+13125550142`; `+44 20 7946 0958` as given; else null. */
export function toE164(input: string): string | null {
  const trimmed = input.trim();
  const digits = trimmed.replace(/\D/g, '');
  let e164: string;
  if (trimmed.startsWith('+')) e164 = `+${digits}`;
  else if (digits.length === 10) e164 = `+1${digits}`;
  else if (digits.length === 11 && digits.startsWith('1')) e164 = `+${digits}`;
  else return null;
  // North American numbers: area code and exchange never start with 0 or 1.
  if (e164.startsWith('+1') && !/^\+1[2-9]\d{2}[2-9]\d{6}$/.test(e164)) return null;
  return E164_PATTERN.test(e164) ? e164 : null;
}

/** The number texts go to, or a field error naming `path` when the customer asked for texts to a number that cannot get them. */
export function textablePhone(phone: string, path: (string | number)[]): string {
  const e164 = toE164(phone);
  if (!e164) throw fieldError(path, 'Texts need a mobile number, e.g. 312-555-0142 or +44 7700 900123');
  return e164;
}
