/**
 * What each notification says, and how it leaves: nodemailer over SMTP_URL, or, in development
 * without SMTP_URL, the dev outbox (the outbound_emails table every sent message is logged to).
 * Messages are rendered when sent, from the notification's own data (the slot and SEQUENCE as of
 * the change that caused it) and the order; links carry the order's current tracking token.
 */
import { createHash } from 'node:crypto';
import { createEvent } from 'ics';
import nodemailer from 'nodemailer';
import type { EmailKind } from '@h2s/db';
import type { ApiDeps } from './deps';
import { renderProUnassigned } from './pro-unassigned';
import { ratingUrl } from './rating-link';
import { firstName, trackingUrl, windowLabel } from './tracking';

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  /** A calendar invite (text/calendar; method=REQUEST or CANCEL). */
  calendar?: { method: 'REQUEST' | 'CANCEL'; content: string };
  /** Stable per notification: a resend after a crash carries the same Message-ID, so clients can fold it. */
  messageId: string;
}

export interface Mailer {
  send(message: OutgoingEmail): Promise<void>;
  close(): void;
}

export const DEFAULT_MAIL_FROM = 'Home2Smart <dispatch@home2smart.dev>';
const ORGANIZER_EMAIL = 'dispatch@home2smart.dev';
/** Each bookable window lasts three hours. */
const WINDOW_MS = 3 * 3600 * 1000;

export function smtpMailer(url: string, from = DEFAULT_MAIL_FROM): Mailer {
  const transport = nodemailer.createTransport(url);
  return {
    async send(message) {
      await transport.sendMail({
        from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        messageId: message.messageId,
        ...(message.calendar
          ? { icalEvent: { method: message.calendar.method, filename: 'invite.ics', content: message.calendar.content } }
          : {}),
      });
    },
    close: () => transport.close(),
  };
}

/** Development without SMTP_URL: the message is logged and stays in the dev outbox. */
export const outboxMailer = (): Mailer => ({
  async send(message) {
    console.info(`[mail] to=${message.to} subject=${JSON.stringify(message.subject)}\n${message.text}`);
  },
  close() {},
});

export function mailerFromEnv(env: NodeJS.ProcessEnv = process.env): Mailer {
  if (env.SMTP_URL) return smtpMailer(env.SMTP_URL, env.MAIL_FROM ?? DEFAULT_MAIL_FROM);
  if (env.NODE_ENV === 'production') throw new Error('SMTP_URL must be set in production (the dev outbox is for development only).');
  return outboxMailer();
}

export const messageIdFor = (idempotencyKey: string) =>
  `<${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32)}@home2smart.dev>`;

/** Everything rendering needs, loaded by the worker. */
export interface NotificationContext {
  kind: EmailKind;
  idempotencyKey: string;
  data: Record<string, unknown>;
  order: {
    id: string;
    customerName: string;
    customerEmail: string;
    addressLine1: string;
    city: string;
    state: string;
    items: { name: string; quantity: number; unitPriceCents: number }[];
    amountTotalCents: number;
    trackingVersion: number;
    scheduleDate: string | null;
    scheduleTimeWindow: string | null;
    scheduleTimezone: string | null;
  };
  job: { id: string; dueAt: Date | null; proName: string | null } | null;
}

const money = (cents: number) => `$${(cents / 100).toFixed(2)}`;
const str = (value: unknown) => (typeof value === 'string' ? value : null);

/** The .ics invite: one UID per job, the SEQUENCE of this revision, DTSTART/DTEND in UTC. */
export function calendarInvite(input: {
  jobId: string;
  method: 'REQUEST' | 'CANCEL';
  sequence: number;
  startsAt: Date;
  title: string;
  description: string;
  location: string;
  attendee: { name: string; email: string };
}): string {
  const { error, value } = createEvent({
    productId: 'home2smart/dispatch',
    method: input.method,
    uid: `${input.jobId}@home2smart.dev`,
    sequence: input.sequence,
    start: input.startsAt.getTime(),
    startInputType: 'utc',
    startOutputType: 'utc',
    end: input.startsAt.getTime() + WINDOW_MS,
    endInputType: 'utc',
    endOutputType: 'utc',
    title: input.title,
    description: input.description,
    location: input.location,
    status: input.method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED',
    organizer: { name: 'Home2Smart Dispatch', email: ORGANIZER_EMAIL },
    attendees: [{ name: input.attendee.name, email: input.attendee.email, rsvp: false, role: 'REQ-PARTICIPANT' }],
  });
  if (error || !value) throw error ?? new Error('ics produced nothing');
  return value;
}

/** Account mail (sign-in links) is written when requested; it has no order to render from. */
export function accountEmail(idempotencyKey: string, data: Record<string, unknown>): OutgoingEmail {
  return { to: str(data.to) ?? '', subject: str(data.subject) ?? '', text: str(data.body) ?? '', messageId: messageIdFor(idempotencyKey) };
}

export function renderEmail(n: NotificationContext, deps: Pick<ApiDeps, 'customerOrigin' | 'urlSigningSecret'>): OutgoingEmail {
  const { order } = n;
  const hi = `Hi ${firstName(order.customerName) ?? 'there'},`;
  const track = trackingUrl(deps, order.id, order.trackingVersion);
  const follow = `Follow your visit: ${track}`;
  const what = order.items.map((i) => `${i.quantity} × ${i.name}`).join(', ');
  const date = str(n.data.date) ?? order.scheduleDate;
  const timeWindow = str(n.data.timeWindow) ?? order.scheduleTimeWindow;
  const timezone = str(n.data.timezone) ?? order.scheduleTimezone;
  const when = date && timeWindow ? `${windowLabel(date, timeWindow)}${timezone ? ` (${timezone.replace(/_/g, ' ')})` : ''}` : null;
  const pro = firstName(n.job?.proName) ?? 'Your pro';
  const invite = (method: 'REQUEST' | 'CANCEL') => {
    const dueAt = str(n.data.dueAt);
    const sequence = typeof n.data.sequence === 'number' ? n.data.sequence : null;
    if (!n.job || !dueAt || sequence === null) return undefined;
    return {
      method,
      content: calendarInvite({
        jobId: n.job.id,
        method,
        sequence,
        startsAt: new Date(dueAt),
        title: `Home2Smart visit: ${what}`,
        description: `${what}. ${follow}`,
        location: `${order.addressLine1}, ${order.city}, ${order.state}`,
        attendee: { name: order.customerName, email: order.customerEmail },
      }),
    };
  };
  const base = { to: order.customerEmail, messageId: messageIdFor(n.idempotencyKey) };
  const lines = (...parts: (string | null | false)[]) => parts.filter((p) => p !== null && p !== false).join('\n\n');
  switch (n.kind) {
    case 'order_confirmed':
      return {
        ...base,
        subject: `Order ${order.id} confirmed`,
        text: lines(
          hi,
          `Thanks for your order (${what}, ${money(order.amountTotalCents)}). Next, pick a time window for the visit.`,
          follow,
        ),
      };
    case 'scheduled':
    case 'rescheduled':
      return {
        ...base,
        subject: n.kind === 'scheduled' ? `Your visit is booked for ${when}` : `Your visit moved to ${when}`,
        text: lines(
          hi,
          `${n.kind === 'scheduled' ? 'Your visit is booked' : 'Your visit has a new time'}: ${when}. The calendar invite is attached.`,
          follow,
        ),
        calendar: invite('REQUEST'),
      };
    case 'pro_assigned':
      return {
        ...base,
        subject: `${pro} will do your installation`,
        text: lines(hi, `${pro} is your pro${when ? ` for ${when}` : ''}.`, follow),
      };
    case 'on_the_way':
      return { ...base, subject: `${pro} is on the way`, text: lines(hi, `${pro} is on the way to you now.`, follow) };
    case 'reminder':
      return {
        ...base,
        subject: `Reminder: your visit is tomorrow, ${when}`,
        text: lines(hi, `A reminder: ${pro === 'Your pro' ? 'your pro' : pro} comes ${when}.`, follow),
      };
    case 'completed': {
      const receipt = order.items.map((i) => `${i.quantity} × ${i.name}  ${money(i.quantity * i.unitPriceCents)}`).join('\n');
      return {
        ...base,
        subject: `Receipt: your installation is complete (${order.id})`,
        text: lines(
          hi,
          `${pro} finished the work. Your receipt:`,
          str(n.data.notes) && `Notes from ${pro}:\n${str(n.data.notes)}`,
          `${receipt}\nTotal paid  ${money(order.amountTotalCents)}`,
          `See the after photos: ${track}`,
          `How did it go? Rate the visit: ${ratingUrl(deps, order.id, order.trackingVersion)}`,
        ),
      };
    }
    case 'pro_unassigned':
      return renderProUnassigned({ data: n.data, jobId: n.job?.id ?? null }, base.messageId);
    case 'sign_in_link':
      throw new Error('account mail carries its own text (see accountEmail)');
    case 'cancelled':
      return {
        ...base,
        subject: `Your visit is cancelled (${order.id})`,
        text: lines(
          hi,
          `Your visit${when ? ` for ${when}` : ''} is cancelled.${str(n.data.reason) ? ` Reason: ${str(n.data.reason)}` : ''}`,
        ),
        calendar: invite('CANCEL'),
      };
  }
}
