/**
 * What each text says. Rendered when sent (like email), from the message's own data and the order;
 * links carry the order's current tracking token. Short: one SMS segment where it can be.
 */
import type { SmsKind } from '@h2s/db';
import type { ApiDeps } from '../deps';
import { firstName, trackingUrl, windowLabel } from '../tracking';

export const COMPANY = 'Home2Smart';
export const HELP_REPLY = `${COMPANY}: help at (312) 555-0100 or support@home2smart.dev. Msg&data rates may apply. Reply STOP to opt out.`;
export const STOP_REPLY = `${COMPANY}: you will get no more texts from us. Reply START to opt back in.`;
export const START_REPLY = `${COMPANY}: texts are back on. Reply HELP for help, STOP to opt out.`;

export interface SmsContext {
  kind: SmsKind;
  data: Record<string, unknown>;
  order: {
    id: string;
    trackingVersion: number;
    scheduleDate: string | null;
    scheduleTimeWindow: string | null;
    city: string | null;
  } | null;
  proName: string | null;
  job: { id: string; city: string; dueAt: Date | null } | null;
}

const str = (value: unknown) => (typeof value === 'string' ? value : null);

export function renderSms(n: SmsContext, deps: Pick<ApiDeps, 'customerOrigin' | 'urlSigningSecret'>, portalOrigin: string | null): string {
  const { order } = n;
  const track = order ? trackingUrl(deps, order.id, order.trackingVersion) : '';
  const date = str(n.data.date) ?? order?.scheduleDate ?? null;
  const timeWindow = str(n.data.timeWindow) ?? order?.scheduleTimeWindow ?? null;
  const when = date && timeWindow ? windowLabel(date, timeWindow) : 'your booked time';
  const pro = firstName(n.proName) ?? 'Your pro';
  switch (n.kind) {
    case 'scheduled':
      return `${COMPANY}: your visit is booked for ${when}. Follow it: ${track}`;
    case 'rescheduled':
      return `${COMPANY}: your visit moved to ${when}. Follow it: ${track}`;
    case 'reminder':
      return `${COMPANY}: reminder, your visit is tomorrow, ${when}. ${track}`;
    case 'on_the_way': {
      const eta = str(n.data.eta);
      return `${COMPANY}: ${pro} is on the way${eta ? `, arriving about ${eta}` : ''}. Track: ${track}`;
    }
    case 'completed':
      return `${COMPANY}: all done! Photos and receipt: ${track}`;
    case 'new_offer': {
      const at = n.job?.dueAt ? ` for ${n.job.dueAt.toISOString().slice(0, 10)}` : '';
      return `${COMPANY}: new job near you in ${n.job?.city ?? 'your area'}${at}. ${portalOrigin ? `${portalOrigin}/offers` : 'Open your offers'}. Reply STOP to opt out.`;
    }
  }
}
