import { spawn } from 'node:child_process';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort } from '@h2s/db/testing';
import { createTestApi, type TestApi } from '../test/fixtures';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(async () => api?.close());

it('the worker CLI sends what the outbox holds over SMTP_URL and stops on SIGTERM', async () => {
  const received: ParsedMail[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then((mail) => (received.push(mail), callback()), callback);
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => smtp.listen(port, '127.0.0.1', resolve));
  const order = await api.paidOrder();

  // What `pnpm --filter @h2s/api worker` runs, as one process, so SIGTERM reaches the worker itself.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/worker.ts'], {
    cwd: new URL('../..', import.meta.url),
    env: { ...process.env, DATABASE_URL: api.t.url, SMTP_URL: `smtp://127.0.0.1:${port}`, CUSTOMER_ORIGIN: 'http://customer.test' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  try {
    for (let i = 0; i < 300 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
  } finally {
    child.kill('SIGTERM');
  }
  expect(await exited).toBe(0);
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  expect(output).toContain('[worker] running (mail: SMTP, payments: test)');
  expect(received.map((m) => m.subject)).toEqual([`Order ${order.orderId} confirmed`]);
}, 60_000);
