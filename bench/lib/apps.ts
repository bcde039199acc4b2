/**
 * The two apps under test: the production builds (`node apps/<app>/build`) as child processes, or,
 * when a build is missing and cannot be made, an in-process HTTP server around the same
 * createAppServer that the apps wrap (tRPC and the Stripe webhook; no SvelteKit in front).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { join } from 'node:path';
import { createDb } from '@h2s/db';
import { createAppServer, type AppServer } from '@h2s/api/server';
import { HttpClient } from './http';

export type AppName = 'customer' | 'portal';

export interface RunningApp {
  name: AppName;
  origin: string;
  client: HttpClient;
  /** 'built': node apps/<app>/build; 'in-process': createAppServer behind node:http in this process. */
  mode: 'built' | 'in-process';
  /** The process whose memory is the app's: the child, or this process for in-process servers. */
  pid: number;
  /** The last 8 KB the process printed (built apps only). */
  logs?: () => string;
  stop(): Promise<void>;
}

export const root = new URL('../../', import.meta.url).pathname;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const buildEntry = (app: AppName) => join(root, 'apps', app, 'build', 'index.js');

/** Makes sure apps/<app>/build exists (building it when asked or missing); false when it cannot. */
export function ensureBuild(app: AppName, rebuild: boolean, log: (line: string) => void): { ok: boolean; note: string } {
  if (existsSync(buildEntry(app)) && !rebuild) return { ok: true, note: 'existing build' };
  log(`building @h2s/${app} (pnpm --filter @h2s/${app} build)…`);
  const started = Date.now();
  const result = spawnSync('pnpm', ['--filter', `@h2s/${app}`, 'build'], { cwd: root, encoding: 'utf8', timeout: 600_000 });
  if (result.status === 0 && existsSync(buildEntry(app)))
    return { ok: true, note: `built in ${Math.round((Date.now() - started) / 1000)} s` };
  const output = `${result.stdout ?? ''}\n${result.stderr ?? ''}`;
  const reason =
    output
      .split('\n')
      .find((line) => /error/i.test(line))
      ?.trim() ?? `exit ${result.status}`;
  log(`could not build @h2s/${app}: ${reason}`);
  return { ok: false, note: `build failed: ${reason.slice(0, 160)}` };
}

export interface AppEnv {
  databaseUrl: string;
  uploadDir: string;
  webhookSecret: string;
  customerOrigin: string;
}

const baseEnv = (env: AppEnv, origin: string, port: number): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  NODE_ENV: 'production',
  DATABASE_URL: env.databaseUrl,
  DATABASE_POOL_MAX: '10',
  PORT: String(port),
  HOST: '127.0.0.1',
  ORIGIN: origin,
  CUSTOMER_ORIGIN: env.customerOrigin,
  UPLOAD_DIR: env.uploadDir,
  STRIPE_WEBHOOK_SECRET: env.webhookSecret,
  URL_SIGNING_SECRET: 'bench-url-signing-secret-not-for-production',
  // Production refuses to start on the built-in test checkout unless it is chosen explicitly.
  PAYMENTS_MODE: 'test',
  // The live fan-out row holds thousands of streams on one session: above the per-session cap a
  // browser gets (issue 20), which the system tests check.
  LIVE_STREAMS_PER_SESSION: '10000',
  LIVE_STREAMS_PER_PROCESS: '100000',
});

async function waitUntilServing(client: HttpClient, child: ChildProcess | null, logs: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`app exited with ${child.exitCode}:\n${logs()}`);
    try {
      const response = await client.send('GET', '/api/trpc/catalog.list');
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`app did not answer within 60 s:\n${logs()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function startBuiltApp(name: AppName, port: number, env: AppEnv, extraEnv: Record<string, string> = {}): Promise<RunningApp> {
  const origin = `http://127.0.0.1:${port}`;
  // `--cpu-prof=<dir>`: each app (one process each) writes a V8 CPU profile there as it stops (bench/profile.ts reads it).
  const profileDir = process.argv.find((a) => a.startsWith('--cpu-prof='))?.split('=')[1];
  const profile = profileDir && !extraEnv.WEB_CONCURRENCY ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child = spawn(process.execPath, [...profile, join(root, 'apps', name, 'build')], {
    env: { ...baseEnv(env, origin, port), ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const client = new HttpClient(origin);
  await waitUntilServing(client, child, () => output);
  return {
    name,
    origin,
    client,
    mode: 'built',
    pid: child.pid!,
    logs: () => output,
    async stop() {
      client.close();
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => (child.kill('SIGKILL'), resolve()), 5000);
        child.once('exit', () => (clearTimeout(timer), resolve()));
      });
    },
  };
}

/** createAppServer behind node:http: the routes the benchmark uses, nothing of SvelteKit. */
export async function startInProcessApp(name: AppName, port: number, env: AppEnv): Promise<RunningApp> {
  const origin = `http://127.0.0.1:${port}`;
  const appEnv = baseEnv(env, origin, port);
  const app: AppServer = createAppServer({ app: name, env: appEnv, handle: createDb(env.databaseUrl, { max: 10 }) });
  const server: Server = createHttpServer((req, res) => {
    // The built apps' order: the API's node:http hot path first, the fetch adapter for the rest.
    if (app.handleNode(req, res)) return;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        const headers = new Headers();
        for (const [key, value] of Object.entries(req.headers)) {
          if (Array.isArray(value)) for (const v of value) headers.append(key, v);
          else if (value !== undefined) headers.set(key, value);
        }
        const method = req.method ?? 'GET';
        const request = new Request(`${origin}${req.url ?? '/'}`, {
          method,
          headers,
          body: method === 'GET' || method === 'HEAD' ? undefined : Buffer.concat(chunks),
        });
        const path = new URL(request.url).pathname;
        let response: Response;
        if (path.startsWith('/api/trpc/')) response = await app.handlePlainTrpc(request);
        else if (path === '/api/stripe/webhook' && name === 'customer') response = await app.handleWebhook(request);
        else response = new Response('Not found', { status: 404 });
        const out: Record<string, string | string[]> = {};
        response.headers.forEach((value, key) => {
          if (key !== 'set-cookie') out[key] = value;
        });
        const cookies = response.headers.getSetCookie();
        if (cookies.length) out['set-cookie'] = cookies;
        res.writeHead(response.status, out);
        res.end(Buffer.from(await response.arrayBuffer()));
      })().catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(error));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const client = new HttpClient(origin);
  await waitUntilServing(client, null, () => '');
  return {
    name,
    origin,
    client,
    mode: 'in-process',
    pid: process.pid,
    async stop() {
      client.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.close();
    },
  };
}

/** Peak resident set size of a process so far (VmHWM), in MB; null when unreadable. */
export function peakRssMb(pid: number): number | null {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('VmHWM:'));
    const kb = Number(line?.replace(/\D+/g, ''));
    return Number.isFinite(kb) ? Math.round(kb / 102.4) / 10 : null;
  } catch {
    return null;
  }
}
