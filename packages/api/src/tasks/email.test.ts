/**
 * The customer's messages over a real SMTP server (smtp-server, in this process), parsed as a mail
 * client would (mailparser): the right messages, once each, with valid calendar invites, and every
 * message delivered once even when SMTP is down for a while.
 */
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runner } from 'graphile-worker';
import { freePort } from '@h2s/db/testing';
import { messageIdFor, smtpMailer, type Mailer } from '../domain/email';
import { enqueueCancellationEmail, enqueueEmail } from '../domain/notifications';
import { createTestApi, type TestApi } from '../test/fixtures';
import { startWorker } from '../worker';
import { createTaskList } from '.';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(async () => api?.close());

/** An SMTP server that keeps every message it accepts; stop() and start() again on the same port. */
function smtpSink(port: number) {
  const received: ParsedMail[] = [];
  let server: SMTPServer | null = null;
  return {
    received,
    url: `smtp://127.0.0.1:${port}`,
    async start() {
      server = new SMTPServer({
        authOptional: true,
        disabledCommands: ['STARTTLS'],
        logger: false,
        onData(stream, _session, callback) {
          simpleParser(stream).then(
            (mail) => {
              received.push(mail);
              callback();
            },
            (error: Error) => callback(error),
          );
        },
      });
      await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
    },
    async stop() {
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      server = null;
    },
  };
}

async function until(what: string, check: () => Promise<boolean> | boolean, tries = 600): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`gave up waiting for ${what}`);
}

function worker(mailer: Mailer): Promise<Runner> {
  return startWorker({
    connectionString: api.t.url,
    pollIntervalMs: 100,
    taskList: createTaskList({
      db: api.t.db,
      mailer,
      clock: api.clock,
      payments: api.server.deps.payments,
      customerOrigin: 'http://customer.test',
      urlSigningSecret: api.server.deps.urlSigningSecret,
    }),
  });
}

const unsent = async () =>
  Number((await api.t.sql<{ n: number }[]>`select count(*)::int as n from email_notifications where sent_at is null`)[0]!.n);

/** The text/calendar part as the client sees it, unfolded into NAME → value. */
function invite(mail: ParsedMail): Record<string, string> | null {
  const part = mail.attachments.find((a) => a.contentType.startsWith('text/calendar'));
  if (!part) return null;
  const text = part.content.toString('utf8').replace(/\r?\n[ \t]/g, '');
  const fields: Record<string, string> = {};
  let inEvent = false;
  for (const line of text.split(/\r?\n/)) {
    if (line === 'BEGIN:VEVENT') inEvent = true;
    const [name, ...rest] = line.split(':');
    const key = name!.split(';')[0]!;
    if (key === 'METHOD' || (inEvent && !(key in fields))) fields[key] = rest.join(':');
  }
  return fields;
}

const icsUtc = (iso: string) => iso.replace(/[-:]/g, '').replace(/\.\d{3}/, '');

describe('customer email over real SMTP', () => {
  it('sends each message once, with invites whose UID is stable, SEQUENCE rises and DTSTART is due_at', async () => {
    const sink = smtpSink(await freePort());
    await sink.start();
    const mailer = smtpMailer(sink.url);
    const anon = await api.caller(null);
    const order = await api.paidOrder();
    await anon.schedule.confirm({ sessionId: order.sessionId, date: '2026-01-15', timezone: 'America/Chicago', timeWindow: '12pm - 3pm' });
    await anon.schedule.confirm({ sessionId: order.sessionId, date: '2026-01-16', timezone: 'America/Chicago', timeWindow: '9am - 12pm' });
    // One reminder, following the reschedule: 24 h before the new window.
    const reminders = await api.t.sql<
      { run_at: string }[]
    >`select run_at::text from graphile_worker.jobs where key = ${`reminder:${order.jobId}`}`;
    expect(reminders.map((r) => new Date(r.run_at).toISOString())).toEqual(['2026-01-15T15:00:00.000Z']);

    let other!: Awaited<ReturnType<TestApi['paidOrder']>>;
    const runner = await worker(mailer);
    try {
      // The reminder's run_at is already past on the real clock, so it goes out with the others.
      await until('four messages', () => sink.received.length >= 4);
      const pro = await api.pro({ name: 'Marcus Allen Reed' });
      await (await api.caller(pro)).jobs.accept({ jobId: order.jobId });
      await api.finishVisit(pro, order.jobId);

      other = await api.paidOrder();
      await anon.schedule.confirm({ sessionId: other.sessionId, date: '2026-01-20', timezone: 'America/Chicago', timeWindow: '3pm - 6pm' });
      await api.t.db.transaction(async (tx) => {
        await enqueueCancellationEmail(tx, { orderId: other.orderId, jobId: other.jobId, reason: 'Customer asked' });
        // The same change reported twice is one message.
        await enqueueCancellationEmail(tx, { orderId: other.orderId, jobId: other.jobId, reason: 'Customer asked' });
      });
      expect(
        await api.t.db.transaction((tx) =>
          enqueueEmail(tx, { kind: 'order_confirmed', key: `order_confirmed:${order.orderId}`, orderId: order.orderId }),
        ),
      ).toBe(false);
      await until('every notification sent', async () => (await unsent()) === 0 && sink.received.length >= 10);
    } finally {
      await runner.stop();
      mailer.close();
      await sink.stop();
    }

    const toFirst = sink.received.filter((m) => m.to && 'text' in m.to && m.to.text.includes(order.customer.email!));
    const subjects = toFirst.map((m) => m.subject);
    expect(subjects).toEqual([
      `Order ${order.orderId} confirmed`,
      'Your visit is booked for Thu, Jan 15, 12pm - 3pm (America/Chicago)',
      'Your visit moved to Fri, Jan 16, 9am - 12pm (America/Chicago)',
      'Reminder: your visit is tomorrow, Fri, Jan 16, 9am - 12pm (America/Chicago)',
      'Marcus will do your installation',
      'Marcus is on the way',
      `Receipt: your installation is complete (${order.orderId})`,
    ]);
    // Once each: every Message-ID is a notification's, and none arrives twice.
    const ids = sink.received.map((m) => m.messageId);
    expect(new Set(ids).size).toBe(ids.length);
    const keys = await api.t.sql<{ key: string }[]>`select idempotency_key as key from email_notifications order by id`;
    expect(new Set(ids)).toEqual(new Set(keys.map((k) => messageIdFor(k.key))));
    // Never the pro's full name; a working tracking link.
    expect(toFirst.map((m) => m.text).join('\n')).not.toContain('Marcus Allen Reed');
    const link = /http:\/\/customer\.test\/track\/(\S+)/.exec(toFirst[0]!.text ?? '')?.[1];
    expect(link).toBeDefined();
    expect((await anon.tracking.get({ token: link! })).status).toBe('completed');
    expect(toFirst[6]!.text).toMatch(/1 × .+\$\d+\.\d{2}[\s\S]*Total paid {2}\$\d+\.\d{2}/);

    const [scheduled, rescheduled] = [invite(toFirst[1]!), invite(toFirst[2]!)];
    expect(scheduled).toMatchObject({
      METHOD: 'REQUEST',
      UID: `${order.jobId}@home2smart.dev`,
      SEQUENCE: '1',
      DTSTART: icsUtc('2026-01-15T18:00:00.000Z'),
      STATUS: 'CONFIRMED',
    });
    const [job] = await api.t.sql<{ due_at: string }[]>`select due_at::text from dispatch_jobs where id = ${order.jobId}`;
    expect(rescheduled).toMatchObject({
      METHOD: 'REQUEST',
      UID: `${order.jobId}@home2smart.dev`,
      SEQUENCE: '2',
      DTSTART: icsUtc(new Date(job!.due_at).toISOString()),
    });
    expect(toFirst.slice(3).map(invite)).toEqual([null, null, null, null]);

    const cancelled = sink.received.filter((m) => m.subject === `Your visit is cancelled (${other.orderId})`);
    expect(cancelled).toHaveLength(1);
    expect(invite(cancelled[0]!)).toMatchObject({
      METHOD: 'CANCEL',
      UID: `${other.jobId}@home2smart.dev`,
      SEQUENCE: '2',
      DTSTART: icsUtc('2026-01-20T21:00:00.000Z'),
      STATUS: 'CANCELLED',
    });
    // The cancelled job's reminder is gone from the queue.
    expect(await api.t.sql`select 1 from graphile_worker.jobs where key = ${`reminder:${other.jobId}`}`).toHaveLength(0);
    // The dev outbox / delivery log holds each message once.
    const [log] = await api.t.sql<
      { n: number; keys: number }[]
    >`select count(*)::int as n, count(distinct idempotency_key)::int as keys from outbound_emails where idempotency_key is not null`;
    expect(log).toEqual({ n: ids.length, keys: ids.length });
  }, 90_000);

  it('sends account mail (sign-in links) through the same outbox once SMTP is configured', async () => {
    const order = await api.paidOrder();
    api.server.deps.mailViaWorker = true;
    const sink = smtpSink(await freePort());
    await sink.start();
    const mailer = smtpMailer(sink.url);
    const runner = await worker(mailer);
    try {
      await (await api.caller(null)).account.requestLink({ email: order.customer.email! });
      await until('the sign-in link', () => sink.received.some((m) => m.subject === 'Your Home2Smart sign-in link'));
    } finally {
      api.server.deps.mailViaWorker = false;
      await runner.stop();
      mailer.close();
      await sink.stop();
    }
    const link = sink.received.find((m) => m.subject === 'Your Home2Smart sign-in link')!;
    expect(link.text).toMatch(/http:\/\/customer\.test\/account\/signin\/\S+/);
    expect(link.to && 'text' in link.to ? link.to.text : '').toBe(order.customer.email);
  }, 90_000);

  it('SMTP down for a while, then back: every message arrives, once', async () => {
    const sink = smtpSink(await freePort());
    const mailer = smtpMailer(sink.url);
    const orders = [await api.paidOrder(), await api.paidOrder(), await api.paidOrder()];
    const keys = orders.map((o) => `email:order_confirmed:${o.orderId}`);
    const pending = async () =>
      Number(
        (
          await api.t.sql<
            { n: number }[]
          >`select count(*)::int as n from email_notifications where sent_at is null and order_id in ${api.t.sql(orders.map((o) => o.orderId))}`
        )[0]!.n,
      );
    const runner = await worker(mailer);
    try {
      // Every send fails while nothing listens; the queue keeps the jobs for a later attempt.
      await until('a failed attempt per message', async () => {
        const rows = await api.t.sql<
          { n: number }[]
        >`select count(*)::int as n from graphile_worker.jobs where key in ${api.t.sql(keys)} and attempts >= 1 and last_error is not null`;
        return rows[0]!.n === 3;
      });
      expect(await pending()).toBe(3);
      await sink.start();
      // graphile-worker retries after exp(attempts) seconds: about 3 s after the first failure.
      await until('every message after SMTP came back', async () => (await pending()) === 0);
    } finally {
      await runner.stop();
      mailer.close();
      await sink.stop();
    }
    const subjects = sink.received
      .map((m) => m.subject)
      .filter((s) => orders.some((o) => s?.includes(o.orderId)))
      .sort();
    expect(subjects).toEqual(orders.map((o) => `Order ${o.orderId} confirmed`).sort());
  }, 90_000);
});
