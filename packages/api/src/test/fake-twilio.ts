/**
 * A local fake of Twilio's Messages API (node:http on 127.0.0.1) and an HTTP client for the official
 * SDK that sends its requests there: the SDK builds, authenticates and parses them exactly as it
 * would against api.twilio.com.
 */
import { createServer, type Server } from 'node:http';
import twilio from 'twilio';

export interface FakeMessage {
  accountSid: string;
  to: string;
  from: string | null;
  body: string;
  sid: string;
  /** The Basic credentials the SDK sent. */
  auth: string;
  dateCreated: Date;
}

export interface FakeTwilio {
  origin: string;
  messages: FakeMessage[];
  /** Answer the next `n` create requests with a 500 (Twilio having a bad minute). */
  failNext(n: number): void;
  /** An SDK HTTP client that talks to this fake instead of api.twilio.com. */
  httpClient: twilio.RequestClient;
  close(): Promise<void>;
}

/** A Message resource as Twilio's API returns it. */
const resource = (m: FakeMessage) => ({
  sid: m.sid,
  account_sid: m.accountSid,
  to: m.to,
  from: m.from,
  body: m.body,
  status: 'queued',
  num_segments: '1',
  direction: 'outbound-api',
  date_created: m.dateCreated.toUTCString(),
  date_sent: null,
  uri: `/2010-04-01/Accounts/${m.accountSid}/Messages/${m.sid}.json`,
});

export async function startFakeTwilio(): Promise<FakeTwilio> {
  const messages: FakeMessage[] = [];
  let failures = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const json = (status: number, body: object) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const list = /^\/2010-04-01\/Accounts\/(AC\w+)\/Messages\.json(\?.*)?$/.exec(req.url ?? '');
      if (req.method === 'GET' && list) {
        // Messages list: filtered by To and From as Twilio does, newest first, one page.
        const query = new URLSearchParams(list[2]?.slice(1) ?? '');
        const found = messages
          .filter(
            (m) =>
              m.accountSid === list[1] &&
              (!query.get('To') || m.to === query.get('To')) &&
              (!query.get('From') || m.from === query.get('From')),
          )
          .reverse()
          .slice(0, Number(query.get('PageSize') ?? 50));
        return json(200, {
          messages: found.map((m) => resource(m)),
          page: 0,
          page_size: found.length,
          first_page_uri: req.url,
          next_page_uri: null,
          previous_page_uri: null,
          uri: req.url,
          start: 0,
          end: Math.max(0, found.length - 1),
        });
      }
      const match = /^\/2010-04-01\/Accounts\/(AC\w+)\/Messages\.json$/.exec(req.url ?? '');
      if (req.method !== 'POST' || !match) return json(404, { code: 20404, message: 'Not found', status: 404 });
      if (failures > 0) {
        failures--;
        return json(500, { code: 20500, message: 'Internal Server Error', status: 500 });
      }
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const to = form.get('To');
      const body = form.get('Body');
      if (!to || !body) return json(400, { code: 21604, message: "A 'To' phone number is required.", status: 400 });
      const sid = `SM${(messages.length + 1).toString(16).padStart(32, '0')}`;
      const message: FakeMessage = {
        accountSid: match[1]!,
        to,
        from: form.get('From'),
        body,
        sid,
        auth: req.headers.authorization ?? '',
        dateCreated: new Date(),
      };
      messages.push(message);
      json(201, resource(message));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  const origin = `http://127.0.0.1:${address.port}`;

  class LocalRequestClient extends twilio.RequestClient {
    override request: twilio.RequestClient['request'] = (opts) =>
      super.request({ ...opts, uri: opts.uri.replace(/^https:\/\/[^/]+/, origin) });
  }

  return {
    origin,
    messages,
    failNext: (n) => void (failures = n),
    httpClient: new LocalRequestClient(),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
