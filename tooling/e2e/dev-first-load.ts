/**
 * How long the first page load takes after `pnpm dev` starts from a cold Vite cache (issue 22: under
 * 2 s). Each run deletes both apps' `node_modules/.vite`, starts `pnpm dev`, waits until it prints
 * where the apps are (its "ready"), then opens the storefront and then the portal's login page in Chromium.
 *
 *   pnpm exec tsx tooling/e2e/dev-first-load.ts [--runs 3] [--json] [--log dev.log]
 *
 * Per page: `load` (the load event, from the start of navigation), `settled` (the last request of the
 * page finished, so every module SvelteKit imports after the load event, i.e. hydration, is in), and
 * `reloads` (Vite reloading the page after discovering a dependency late: the slow path to avoid).
 * Needs ports 5173 and 5174 free (the dev servers' fixed ports).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { chromium as playwright, type Browser } from '@playwright/test';
import { chromium } from './index';

const root = new URL('../../', import.meta.url).pathname;
const argv = process.argv.slice(2);
const runs = Number(argv[argv.indexOf('--runs') + 1] ?? 3) || 3;
const json = argv.includes('--json');
/** `--log file`: the dev servers' output of the last run goes there (what Vite optimised, and when). */
const logFile = argv.includes('--log') ? argv[argv.indexOf('--log') + 1] : undefined;
const PAGES = [
  { name: 'storefront', url: 'http://localhost:5173/' },
  { name: 'portal login', url: 'http://localhost:5174/login' },
] as const;
/** Quiet time after the last request before a page counts as settled (a Vite reload comes within it). */
const QUIET_MS = 2_000;

const portInUse = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

async function startDev(): Promise<{ dev: ChildProcess; readyMs: number; log: () => string }> {
  for (const app of ['customer', 'portal']) rmSync(`${root}apps/${app}/node_modules/.vite`, { recursive: true, force: true });
  const started = Date.now();
  const dev = spawn('pnpm', ['dev'], { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const readyMs = await new Promise<number>((resolve, reject) => {
    const timeout = setTimeout(() => reject(new Error(`pnpm dev not ready after 300 s:\n${output.slice(-2000)}`)), 300_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      // What `pnpm dev` prints once both apps are up (and warmed up).
      if (output.includes('[dev] customer app: http://localhost:5173')) {
        clearTimeout(timeout);
        resolve(Date.now() - started);
      }
    };
    dev.stdout!.on('data', onData);
    dev.stderr!.on('data', onData);
    dev.once('exit', (code) => reject(new Error(`pnpm dev exited (${code}):\n${output.slice(-2000)}`)));
  }).catch(async (error: unknown) => {
    await stopDev(dev);
    throw error;
  });
  dev.stdout!.resume();
  dev.stderr!.resume();
  return { dev, readyMs, log: () => output };
}

async function stopDev(dev: ChildProcess) {
  const exited = new Promise((resolve) => dev.once('exit', resolve));
  process.kill(-dev.pid!, 'SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
  try {
    process.kill(-dev.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
}

async function firstLoad(browser: Browser, url: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  let loads = 0;
  let lastFinished = 0;
  page.on('load', () => loads++);
  page.on('requestfinished', () => (lastFinished = Date.now()));
  page.on('requestfailed', () => (lastFinished = Date.now()));
  const start = Date.now();
  await page.goto(url, { waitUntil: 'load', timeout: 120_000 });
  const load = Date.now() - start;
  for (let quietSince = lastFinished; ; quietSince = lastFinished) {
    await new Promise((r) => setTimeout(r, QUIET_MS));
    if (lastFinished === quietSince) break;
  }
  await context.close();
  return { load, settled: lastFinished - start, reloads: loads - 1 };
}

if ((await portInUse(5173)) || (await portInUse(5174))) {
  console.error('Ports 5173 and 5174 must be free (is `pnpm dev` already running?).');
  process.exit(1);
}
const results: { run: number; readyMs: number; pages: Record<string, Awaited<ReturnType<typeof firstLoad>>> }[] = [];
for (let run = 1; run <= runs; run++) {
  const { dev, readyMs, log } = await startDev();
  const browser = await playwright.launch(chromium);
  try {
    const pages: (typeof results)[number]['pages'] = {};
    for (const { name, url } of PAGES) pages[name] = await firstLoad(browser, url);
    results.push({ run, readyMs, pages });
    if (!json) {
      const cells = Object.entries(pages).map(([name, p]) => `${name}: load ${p.load} ms, settled ${p.settled} ms, reloads ${p.reloads}`);
      console.log(`run ${run}: ready after ${readyMs} ms · ${cells.join(' · ')}`);
    }
  } finally {
    await browser.close();
    await stopDev(dev);
    if (logFile) writeFileSync(logFile, log());
  }
}
if (json) console.log(JSON.stringify(results, null, 2));
