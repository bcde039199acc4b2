/**
 * The live fan-out row (scenarios/live.ts's fanOut) against a plain node:http server process that
 * serves `live.jobChanges` with serveLiveSse (the shared hub), or with tRPC's fetch handler for
 * comparison (`--via trpc`), before the portal's own node:http fast path routes to it.
 *
 *   pnpm exec tsx bench/live-hub.ts [--streams 5000] [--changes 5] [--via hub|trpc]
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { argv } from 'node:process';
import { fileURLToPath } from 'node:url';
import { createDb } from '@h2s/db';
import { createTestDatabase, startPostgresServer } from '@h2s/db/testing';
import { createAppServer, headerCookieJar } from '@h2s/api/server';
import { serveLiveSse } from '@h2s/api/http/live-sse';
import { createSession } from '@h2s/api/domain/auth';
import { createPro } from '@h2s/api/domain/pros';
import { seedCatalog } from '@h2s/api/seed';
import type { Arena } from './lib/context';
import type { RunningApp } from './lib/apps';
import { fanOut } from './scenarios/live';

const option = (name: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};

/** The server process: a portal AppServer behind node:http, printing its port. */
async function serve(databaseUrl: string, via: string) {
  const app = createAppServer({
    app: 'portal',
    handle: createDb(databaseUrl, { max: 4 }),
    env: { NODE_ENV: 'test', DATABASE_URL: databaseUrl },
  });
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const headers = { cookie: req.headers.cookie ?? '', accept: req.headers.accept ?? '' };
    if (via === 'hub') {
      const request = new Request(url, { headers });
      const resHeaders = new Headers();
      const ctx = await app.createContext({ cookies: headerCookieJar(request, resHeaders), clientIp: null });
      await serveLiveSse(app.liveHub, { req, res, ctx, path: url.pathname.replace('/api/trpc/', ''), input: undefined });
      return;
    }
    const abort = new AbortController();
    res.once('close', () => abort.abort());
    const response = await app.handlePlainTrpc(new Request(url, { headers, signal: abort.signal }));
    res.writeHead(response.status, Object.fromEntries(response.headers));
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) res.write(chunk);
    } catch {
      // The client left.
    }
    res.end();
  });
  server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: (server.address() as AddressInfo).port })));
}

async function main() {
  const streams = Number(option('streams') ?? 5000);
  const changes = Number(option('changes') ?? 5);
  const via = option('via') ?? 'hub';
  const pg = process.env.DATABASE_URL ? null : await startPostgresServer();
  if (pg) process.env.DATABASE_URL = pg.url;
  const database = await createTestDatabase({ max: 4 });
  await seedCatalog(database.db);
  const { proId } = await createPro(
    database.db,
    {
      name: 'Live Bench',
      email: 'live-bench@pros.test',
      password: 'bench-password-not-a-secret',
      postalCode: '60601',
      serviceRadiusMiles: 50,
    },
    new Date(),
  );
  const session = await createSession(database.db, proId, new Date());

  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--serve', database.url, '--via', via], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (line: string) => {
        const match = /\{"port":(\d+)\}/.exec(line);
        if (match) resolve(Number(match[1]));
      });
      child.once('exit', (code) => reject(new Error(`server exited ${code}`)));
    });
    const app = { mode: 'built', pid: child.pid!, origin: `http://127.0.0.1:${port}` } as RunningApp;
    const arena = { raw: database } as unknown as Arena;
    const result = await fanOut(arena, app, `h2s_portal_session=${session.token}`, streams, changes);
    console.log(
      `live fan-out via ${via}: ${result.opened}/${result.streams} streams opened in ${result.openSeconds} s; ` +
        `${result.delivered}/${result.opened * changes} deliveries; p50 ${result.latency.p50.toFixed(1)} ms, ` +
        `p99 ${result.latency.p99.toFixed(1)} ms; ${result.kbPerStream} KB per stream (server VmRSS)`,
    );
  } finally {
    child.kill('SIGTERM');
    await database.drop().catch(() => {});
    pg?.stop();
  }
}

if (argv.includes('--serve')) void serve(option('serve')!, option('via') ?? 'hub');
else
  void main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
