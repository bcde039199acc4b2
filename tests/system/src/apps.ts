/** Starts the built apps as production would (`node apps/<app>/build`) on free local ports. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { applyStripeEvent, createCheckout } from '@h2s/api/domain/checkout';
import { signTestEvent, testPayments } from '@h2s/api/domain/payments';
import { createPro } from '@h2s/api/domain/pros';
import { sql, type Database } from '@h2s/db';
import { freePort } from '@h2s/db/testing';

const root = new URL('../../../', import.meta.url).pathname;

export interface RunningApp {
  app: 'customer' | 'portal';
  origin: string;
  port: number;
  process: ChildProcess;
  /** Peak resident memory so far, in MiB (Linux). */
  peakRssMiB(): Promise<number | null>;
  stop(): Promise<void>;
  restart(): Promise<void>;
}

export async function startApp(app: 'customer' | 'portal', env: Record<string, string>, port?: number): Promise<RunningApp> {
  const entry = join(root, 'apps', app, 'build');
  if (!existsSync(join(entry, 'index.js'))) throw new Error(`${entry} is missing: run pnpm build first`);
  const listenOn = port ?? (await freePort());
  const origin = `http://127.0.0.1:${listenOn}`;
  const launch = () =>
    spawn('node', [entry], {
      env: { ...process.env, ...env, PORT: String(listenOn), HOST: '127.0.0.1', ORIGIN: env.ORIGIN ?? origin },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  const running: RunningApp = {
    app,
    origin,
    port: listenOn,
    process: launch(),
    async peakRssMiB() {
      const { readFile } = await import('node:fs/promises');
      const status = await readFile(`/proc/${running.process.pid}/status`, 'utf8').catch(() => '');
      const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
      return kb ? Math.round(Number(kb) / 1024) : null;
    },
    async stop() {
      if (running.process.exitCode !== null) return;
      const exited = new Promise((r) => running.process.once('exit', r));
      running.process.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (running.process.exitCode === null) running.process.kill('SIGKILL');
    },
    async restart() {
      await running.stop();
      running.process = launch();
      await waitUntilUp(origin);
    },
  };
  await waitUntilUp(origin);
  return running;
}

async function waitUntilUp(origin: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    try {
      const response = await fetch(`${origin}/api/trpc/catalog.list`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${origin} did not come up`);
}

/**
 * A paid order in the database behind a running customer app: checkout.create's domain function,
 * then the signed checkout.session.completed applied as the webhook would.
 */
export async function paidOrder(
  db: Database,
  webhookSecret: string,
  customerOrigin: string,
): Promise<{ orderId: string; sessionId: string }> {
  const payments = testPayments(webhookSecret);
  await ensureCoverage(db);
  const order = await createCheckout(
    { db, payments, customerOrigin },
    {
      items: [{ sku: 'wifi-mesh', quantity: 1 }],
      customer: { name: 'Casey Customer', email: 'casey@example.com', phone: '312-555-0100' },
      serviceAddress: { line1: '1 Main St', city: 'Chicago', state: 'IL', postalCode: '60601' },
    },
    new Date(),
  );
  const event = signTestEvent(payments, {
    type: 'checkout.session.completed',
    sessionId: order.sessionId,
    orderId: order.orderId,
    amountTotalCents: order.amountTotalCents,
    paymentStatus: 'paid',
  });
  await applyStripeEvent({ db, payments }, event.payload, event.signature, new Date());
  return { orderId: order.orderId, sessionId: order.sessionId };
}

const COVERAGE_PRO_EMAIL = 'system-coverage@pros.test';

/** Checkout takes only addresses an active pro covers (issue 22): one Chicago pro with every skill. */
async function ensureCoverage(db: Database): Promise<void> {
  const found = await db.execute(sql`select 1 from users where email = ${COVERAGE_PRO_EMAIL}`);
  if (found.length) return;
  const pro = {
    name: 'Coverage Pro',
    email: COVERAGE_PRO_EMAIL,
    password: 'correct horse battery',
    postalCode: '60601',
    serviceRadiusMiles: 50,
  };
  await createPro(db, pro, new Date());
}
