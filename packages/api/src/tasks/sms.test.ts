/**
 * Texts through Twilio's official SDK against a local fake of its Messages API, and replies through
 * the inbound webhook signed with the SDK's own signature function: the right texts, once each, none
 * after STOP, and exactly one even when the worker dies between queueing and sending.
 */
import { createServer, type Server } from 'node:http';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runner } from 'graphile-worker';
import { nodeSmsInboundHandler } from '../http/sms-inbound';
import { HELP_REPLY } from '../domain/sms/render';
import { smsSetup, twilioSender, type SmsSender, type TwilioSettings } from '../domain/sms/sender';
import { startFakeTwilio, type FakeTwilio } from '../test/fake-twilio';
import { createTestApi, type TestApi } from '../test/fixtures';
import { startWorker } from '../worker';
import { createTaskList } from '.';
import { smsTasks } from './sms';

const SETTINGS: TwilioSettings = { accountSid: `AC${'ab'.repeat(16)}`, authToken: 'c'.repeat(32), from: '+13125550100' };

let api: TestApi;
let fake: FakeTwilio;
let inbound: Server;
let inboundOrigin: string;
beforeAll(async () => {
  api = await createTestApi();
  fake = await startFakeTwilio();
  const handler = nodeSmsInboundHandler({ db: api.t.db, clock: api.clock, twilio: SETTINGS }, 'http://127.0.0.1:0', {});
  inbound = createServer((req, res) => {
    if (!handler(req, res)) res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => inbound.listen(0, '127.0.0.1', resolve));
  const address = inbound.address();
  inboundOrigin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  // The handler signs against the public origin: rebuild it now that the port is known.
  const real = nodeSmsInboundHandler({ db: api.t.db, clock: api.clock, twilio: SETTINGS }, inboundOrigin, {});
  inbound.removeAllListeners('request');
  inbound.on('request', (req, res) => {
    if (!real(req, res)) res.writeHead(404).end();
  });
});
afterAll(async () => {
  await new Promise<void>((resolve) => inbound?.close(() => resolve()));
  await fake?.close();
  await api?.close();
});

const sdkSender = () => twilioSender(SETTINGS, { httpClient: fake.httpClient });

function worker(sender: SmsSender): Promise<Runner> {
  return startWorker({
    connectionString: api.t.url,
    pollIntervalMs: 100,
    taskList: createTaskList({
      db: api.t.db,
      mailer: { send: async () => {}, close() {} },
      smsSender: sender,
      clock: api.clock,
      payments: api.server.deps.payments,
      customerOrigin: 'http://customer.test',
      urlSigningSecret: api.server.deps.urlSigningSecret,
    }),
  });
}

async function until(what: string, check: () => Promise<boolean> | boolean, tries = 300): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** A reply as Twilio delivers it: form-encoded, signed with the auth token over the URL and parameters. */
async function reply(from: string, body: string, options: { messageSid?: string; token?: string } = {}) {
  const url = `${inboundOrigin}/api/sms/inbound`;
  const params = {
    MessageSid: options.messageSid ?? `SM${Math.random().toString(16).slice(2).padEnd(32, '0')}`,
    From: from,
    To: SETTINGS.from,
    Body: body,
  };
  const signature = twilio.getExpectedTwilioSignature(options.token ?? SETTINGS.authToken, url, params);
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams(params).toString(),
  });
  return { status: response.status, text: await response.text() };
}

/** A fresh customer number per test, so tests do not share opt-outs. */
let line = 100;
const nextPhone = () => {
  line++;
  return { written: `(312) 555-0${line}`, e164: `+13125550${line}` };
};

async function bookedWithTexts(phone: string) {
  api.clock.set('2026-01-09T15:00:00Z');
  const order = await api.paidOrder({
    textUpdates: true,
    customer: { name: 'Avery Johnson', email: `avery+${line}@example.com`, phone },
  });
  await (
    await api.caller(null)
  ).schedule.confirm({ sessionId: order.sessionId, date: '2026-01-15', timezone: 'America/Chicago', timeWindow: '12pm - 3pm' });
  return order;
}

const textsTo = (to: string) => fake.messages.filter((m) => m.to === to);

describe('customer texts through the Twilio SDK', () => {
  it('confirmation, reminder, on the way (with the tracking link) and done: once each, to the opted-in number', async () => {
    const phone = nextPhone();
    const order = await bookedWithTexts(phone.written);
    const pro = await api.pro({ name: 'Priya Natarajan' });
    await (await api.caller(pro)).jobs.accept({ jobId: order.jobId });
    const runner = await worker(sdkSender());
    try {
      // The reminder's queue job is due (the test clock is a year behind the queue's): it runs at once.
      await until('confirmation and reminder', () => textsTo(phone.e164).length >= 2);
      await api.finishVisit(pro, order.jobId);
      await until('on the way and done', () => textsTo(phone.e164).length >= 4);
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      await runner.stop();
    }
    const texts = textsTo(phone.e164);
    expect(texts).toHaveLength(4);
    expect(texts.every((t) => t.from === SETTINGS.from && t.accountSid === SETTINGS.accountSid)).toBe(true);
    expect(texts[0]!.auth).toBe(`Basic ${Buffer.from(`${SETTINGS.accountSid}:${SETTINGS.authToken}`).toString('base64')}`);
    const bodies = texts.map((t) => t.body).sort();
    expect(bodies.find((b) => b.includes('booked for Thu, Jan 15, 12pm - 3pm'))).toMatch(/http:\/\/customer\.test\/track\/ORD-/);
    expect(bodies.find((b) => b.includes('reminder, your visit is tomorrow'))).toBeDefined();
    expect(bodies.find((b) => b.includes('Priya is on the way'))).toMatch(/Track: http:\/\/customer\.test\/track\/ORD-/);
    expect(bodies.find((b) => b.includes('all done'))).toBeDefined();
    const rows = await api.t.sql<{ kind: string; sid: string }[]>`
      select kind, provider_sid as sid from sms_messages where order_id = ${order.orderId} order by id`;
    expect(rows.map((r) => r.kind)).toEqual(['scheduled', 'reminder', 'on_the_way', 'completed']);
    expect(rows.map((r) => r.sid).sort()).toEqual(texts.map((t) => t.sid).sort());
  }, 60_000);

  it('sends nothing to a customer who did not opt in', async () => {
    const order = await api.paidOrder();
    expect(await api.t.sql`select 1 from sms_messages where order_id = ${order.orderId}`).toHaveLength(0);
  });

  it('SMS_MODE=off: no sender even with Twilio configured, and each text records that texts were turned off', async () => {
    const off = smsSetup({ accountSid: 'AC' + '0'.repeat(32), authToken: 'token', from: '+13125550100' }, { production: true, off: true });
    expect(off.sender).toBeNull();
    const phone = nextPhone();
    const order = await bookedWithTexts(phone.written);
    const [sms] = await api.t.sql<{ id: number }[]>`select id from sms_messages where order_id = ${order.orderId} and kind = 'scheduled'`;
    await smsTasks({ ...api.server.deps, smsSender: off.sender, smsOffReason: off.offReason }).send_sms({ smsId: sms!.id }, {} as never);
    const [row] = await api.t.sql`select sent_at, suppressed_reason from sms_messages where id = ${sms!.id}`;
    expect(row).toEqual({ sent_at: null, suppressed_reason: 'texts turned off (SMS_MODE=off)' });
    expect(textsTo(phone.e164)).toHaveLength(0);
  });

  it('refuses a checkout that asks for texts to a number that cannot get them, naming the field', async () => {
    const error = await (
      await api.caller(null)
    ).checkout
      .create({
        items: [{ sku: 'tv-mount-standard', quantity: 1 }],
        customer: { name: 'Avery Johnson', email: 'avery@example.com', phone: '012-555-0142' },
        serviceAddress: { line1: '233 S Wacker Dr', city: 'Chicago', state: 'IL', postalCode: '60601' },
        textUpdates: true,
      })
      .catch((e: unknown) => e);
    expect(String(error)).toContain('Texts need a mobile number');
  });
});

describe('replies: STOP, START, HELP over the signed webhook', () => {
  it('refuses an unsigned or wrongly signed reply, and changes nothing', async () => {
    const phone = nextPhone();
    expect((await reply(phone.e164, 'STOP', { token: 'd'.repeat(32) })).status).toBe(403);
    const unsigned = await fetch(`${inboundOrigin}/api/sms/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ MessageSid: 'SMx', From: phone.e164, Body: 'STOP' }).toString(),
    });
    expect(unsigned.status).toBe(403);
    expect(await api.t.sql`select 1 from sms_opt_outs where phone = ${phone.e164}`).toHaveLength(0);
  });

  it('STOP opts out at once: a text already queued and every later one are never sent; START opts back in', async () => {
    const phone = nextPhone();
    // Queued (the confirmation) while no worker runs; then the customer replies "stop".
    const order = await bookedWithTexts(phone.written);
    const stop = await reply(phone.e164, ' stop ');
    expect(stop.status).toBe(200);
    expect(stop.text).not.toContain('<Message>');
    const pro = await api.pro();
    await (await api.caller(pro)).jobs.accept({ jobId: order.jobId });
    await (await api.caller(pro)).jobs.depart({ jobId: order.jobId });
    const runner = await worker(sdkSender());
    try {
      await until('the queue to drain', async () => {
        const [row] = await api.t.sql<{ n: number }[]>`
          select count(*)::int as n from graphile_worker.jobs where task_identifier = 'send_sms'`;
        return row!.n === 0;
      });
    } finally {
      await runner.stop();
    }
    expect(textsTo(phone.e164)).toHaveLength(0);
    const rows = await api.t.sql<{ kind: string; reason: string | null }[]>`
      select kind, suppressed_reason as reason from sms_messages where order_id = ${order.orderId}`;
    // The confirmation was suppressed; the reminder and "on the way" were never even queued.
    expect(rows).toEqual([{ kind: 'scheduled', reason: 'opted out' }]);

    const help = await reply(phone.e164, 'HELP');
    expect(help.text).toContain(`<Message>${HELP_REPLY.replace(/&/g, '&amp;')}</Message>`);
    expect((await reply(phone.e164, 'Start')).status).toBe(200);
    expect(await api.t.sql`select 1 from sms_opt_outs where phone = ${phone.e164}`).toHaveLength(0);
  }, 60_000);

  it('a redelivered STOP is applied once, and a send after it sends nothing', async () => {
    const phone = nextPhone();
    const order = await bookedWithTexts(phone.written);
    const messageSid = `SM${'5'.repeat(32)}`;
    await Promise.all([reply(phone.e164, 'STOP', { messageSid }), reply(phone.e164, 'STOP', { messageSid })]);
    const [{ n }] = (await api.t.sql<
      { n: number }[]
    >`select count(*)::int as n from sms_inbound where message_sid = ${messageSid}`) as unknown as [{ n: number }];
    expect(n).toBe(1);
    const [sms] = await api.t.sql<{ id: number }[]>`select id from sms_messages where order_id = ${order.orderId}`;
    await smsTasks({ ...api.server.deps, smsSender: sdkSender() }).send_sms({ smsId: sms!.id }, {} as never);
    expect(textsTo(phone.e164)).toHaveLength(0);
  });
});

describe('exactly once', () => {
  /** A booking's confirmation text whose first attempt reached Twilio, then the worker was killed before marking it sent. */
  async function sentThenKilled() {
    const phone = nextPhone();
    const order = await bookedWithTexts(phone.written);
    const [sms] = await api.t.sql<{ id: number }[]>`select id from sms_messages where order_id = ${order.orderId} and kind = 'scheduled'`;
    const real = sdkSender();
    const killedAfterTwilio: SmsSender = {
      ...real,
      send: async (message) => {
        await real.send(message);
        throw new Error('worker process killed after Twilio accepted');
      },
    };
    await expect(smsTasks({ ...api.server.deps, smsSender: killedAfterTwilio }).send_sms({ smsId: sms!.id }, {} as never)).rejects.toThrow(
      'killed after Twilio accepted',
    );
    return { phone, sms: sms!, real };
  }

  it('a worker that dies after Twilio accepted the text, before marking it sent: the retry finds it at Twilio and sends nothing', async () => {
    const { phone, sms, real } = await sentThenKilled();
    expect(textsTo(phone.e164)).toHaveLength(1);
    const [pending] = await api.t.sql<{ sent: Date | null }[]>`select sent_at as sent from sms_messages where id = ${sms!.id}`;
    expect(pending?.sent).toBeNull();

    // graphile-worker retries the job: Twilio's own list shows the text went out, so it is marked sent, not sent again.
    await smsTasks({ ...api.server.deps, smsSender: real }).send_sms({ smsId: sms!.id }, {} as never);
    const texts = textsTo(phone.e164);
    expect(texts).toHaveLength(1);
    const [row] = await api.t.sql<{ sid: string | null; sent: Date | null; body: string }[]>`
      select provider_sid as sid, sent_at as sent, body from sms_messages where id = ${sms!.id}`;
    expect(row?.sid).toBe(texts[0]?.sid);
    expect(row?.sent).not.toBeNull();
    expect(row?.body).toBe(texts[0]?.body);
  });
  it('a worker that dies after Twilio accepted, then a retry that fails before Twilio: the next retry still finds the text', async () => {
    const { phone, sms, real } = await sentThenKilled();
    // An hour later the retry records its attempt, then fails asking Twilio (the list call errors).
    const saved = api.clock.now();
    api.clock.set(new Date(Date.now() + 3_600_000));
    try {
      const listFails: SmsSender = { ...real, findSent: () => Promise.reject(new Error('Twilio list failed')) };
      await expect(smsTasks({ ...api.server.deps, smsSender: listFails }).send_sms({ smsId: sms!.id }, {} as never)).rejects.toThrow(
        'Twilio list failed',
      );
      // The next retry looks back to when the text was queued, not to the failed attempt: it finds it.
      await smsTasks({ ...api.server.deps, smsSender: real }).send_sms({ smsId: sms!.id }, {} as never);
    } finally {
      api.clock.set(saved);
    }
    const texts = textsTo(phone.e164);
    expect(texts).toHaveLength(1);
    const [row] = await api.t.sql<{ sid: string | null }[]>`select provider_sid as sid from sms_messages where id = ${sms!.id}`;
    expect(row?.sid).toBe(texts[0]?.sid);
  });

  it('a worker that dies between queueing and sending, then Twilio failing once: the text is sent exactly once', async () => {
    const phone = nextPhone();
    const order = await bookedWithTexts(phone.written);
    const [sms] = await api.t.sql<{ id: number }[]>`select id from sms_messages where order_id = ${order.orderId} and kind = 'scheduled'`;
    // The worker took the job and died before the provider call (its attempt is recorded, nothing left).
    const dying: SmsSender = { name: 'twilio', send: () => Promise.reject(new Error('worker process killed')), findSent: async () => null };
    await expect(smsTasks({ ...api.server.deps, smsSender: dying }).send_sms({ smsId: sms!.id }, {} as never)).rejects.toThrow(
      'worker process killed',
    );
    fake.failNext(1);
    const runner = await worker(sdkSender());
    try {
      await until('the text', () => textsTo(phone.e164).length >= 1, 150);
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      await runner.stop();
    }
    // Run again by hand (a duplicate delivery of the job): nothing more.
    await smsTasks({ ...api.server.deps, smsSender: sdkSender() }).send_sms({ smsId: sms!.id }, {} as never);
    expect(textsTo(phone.e164).filter((t) => t.body.includes('your visit is booked'))).toHaveLength(1);
    const [row] = await api.t.sql<{ sid: string }[]>`select provider_sid as sid from sms_messages where id = ${sms!.id}`;
    expect(row?.sid).toBe(textsTo(phone.e164).find((t) => t.body.includes('your visit is booked'))?.sid);
  }, 60_000);
});

describe('pros: a text for each new job near them, if they ask', () => {
  it('texts the pro in reach who opted in, once; not one out of reach, not one who did not ask', async () => {
    const near = await api.pro({ postalCode: '60601', serviceRadiusMiles: 25 });
    const far = await api.pro({ postalCode: '10001', serviceRadiusMiles: 25 });
    const quiet = await api.pro({ postalCode: '60601' });
    const nearPhone = nextPhone();
    const farPhone = nextPhone();
    expect(await (await api.caller(near)).texts.setOfferAlerts({ enabled: true, phone: nearPhone.written })).toEqual({
      enabled: true,
      phone: nearPhone.e164,
    });
    await (await api.caller(far)).texts.setOfferAlerts({ enabled: true, phone: farPhone.written });
    expect(await (await api.caller(quiet)).texts.offerAlerts()).toEqual({ enabled: false, phone: null });
    const order = await api.paidOrder();
    const runner = await worker(sdkSender());
    try {
      await until('the offer text', () => textsTo(nearPhone.e164).length >= 1);
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      await runner.stop();
    }
    expect(textsTo(nearPhone.e164)).toHaveLength(1);
    expect(textsTo(nearPhone.e164)[0]!.body).toContain('new job near you in Chicago');
    expect(textsTo(farPhone.e164)).toHaveLength(0);
    const rows = await api.t.sql<
      { pro: string }[]
    >`select pro_id as pro from sms_messages where job_id = ${order.jobId} and kind = 'new_offer'`;
    expect(rows.map((r) => r.pro)).toEqual([near.userId]);
  }, 60_000);
});
