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

export async function startFakeTwilio(): Promise<FakeTwilio> {
  const messages: FakeMessage[] = [];
  let failures = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const match = /^\/2010-04-01\/Accounts\/(AC\w+)\/Messages\.json$/.exec(req.url ?? '');
      const json = (status: number, body: object) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
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
      messages.push({ accountSid: match[1]!, to, from: form.get('From'), body, sid, auth: req.headers.authorization ?? '' });
      json(201, {
        sid,
        account_sid: match[1],
        to,
        from: form.get('From'),
        body,
        status: 'queued',
        num_segments: '1',
        direction: 'outbound-api',
        date_created: new Date().toUTCString(),
        uri: `/2010-04-01/Accounts/${match[1]}/Messages/${sid}.json`,
      });
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
