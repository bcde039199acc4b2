/**
 * Load helpers for the throughput and live rows: a closed-loop request driver (like autocannon's
 * default: N keep-alive connections, each sending its next request when the last one answered), a
 * bare node:http server in a child process (the floor), and many open server-sent-event streams.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request, type ClientRequest } from 'node:http';
import { HttpClient } from './http';

export interface Throughput {
  requests: number;
  perSecond: number;
  errors: number;
}

/** `connections` keep-alive connections sending GET `path` back to back for `seconds`. */
export async function throughput(
  origin: string,
  path: string,
  options: { connections: number; seconds: number; headers?: Record<string, string> },
): Promise<Throughput> {
  const client = new HttpClient(origin, options.connections);
  try {
    // Warm-up: open the connections and let the server's JIT settle a little.
    await Promise.all(Array.from({ length: options.connections }, () => client.send('GET', path, { headers: options.headers })));
    let requests = 0;
    let errors = 0;
    const started = performance.now();
    const deadline = started + options.seconds * 1000;
    await Promise.all(
      Array.from({ length: options.connections }, async () => {
        while (performance.now() < deadline) {
          const response = await client.send('GET', path, { headers: options.headers }).catch(() => null);
          if (response?.status === 200) requests++;
          else errors++;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    return { requests, perSecond: Math.round(requests / seconds), errors };
  } finally {
    client.close();
  }
}

/** The floor: a bare node:http server answering a fixed JSON body, in its own process like the apps. */
export async function startBareServer(port: number): Promise<{ origin: string; stop(): Promise<void> }> {
  const code = `
    const body = Buffer.from(JSON.stringify({ result: { data: { bundles: [] } } }));
    require('node:http').createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
      res.end(body);
    }).listen(${port}, '127.0.0.1', () => console.log('listening'));`;
  const child: ChildProcess = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (c) => reject(new Error(`bare server exited with ${c}`)));
  });
  return {
    origin: `http://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

/** Current resident set size of a process (VmRSS), in KB; null when unreadable. */
export function rssKb(pid: number): number | null {
  try {
    const kb = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    return Number.isFinite(kb) ? kb : null;
  } catch {
    return null;
  }
}

export interface OpenStream {
  /** When the marker was first seen on this stream (performance.now()), or null. */
  seenAt(marker: string): number | null;
  close(): void;
}

/** Opens one `live.jobChanges` stream (GET, text/event-stream) and resolves once its headers arrived. */
export function openStream(origin: string, cookie: string, agent: Agent): Promise<OpenStream> {
  const url = new URL(origin);
  return new Promise((resolve, reject) => {
    let text = '';
    const seen = new Map<string, number>();
    const watched = new Set<string>();
    let req: ClientRequest | null = null;
    const stream: OpenStream = {
      seenAt(marker) {
        watched.add(marker);
        if (!seen.has(marker) && text.includes(marker)) seen.set(marker, performance.now());
        return seen.get(marker) ?? null;
      },
      close: () => req?.destroy(),
    };
    req = request(
      {
        agent,
        host: '127.0.0.1',
        port: Number(url.port),
        method: 'GET',
        path: '/api/trpc/live.jobChanges',
        headers: { cookie, accept: 'text/event-stream' },
      },
      (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`live.jobChanges answered ${res.statusCode}`));
          res.resume();
          return;
        }
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text = (text + chunk).slice(-4096);
          const now = performance.now();
          for (const marker of watched) if (!seen.has(marker) && text.includes(marker)) seen.set(marker, now);
        });
        res.on('error', () => {});
        resolve(stream);
      },
    );
    req.on('error', reject);
    req.end();
  });
}
