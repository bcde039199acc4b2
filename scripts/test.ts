/**
 * `pnpm test`: `pnpm lint` (ESLint + Prettier), then one throwaway PostgreSQL server (unless
 * DATABASE_URL is set) for every suite: typecheck + unit + integration tests, then the browser and
 * system tests against the built apps, then `pnpm bench --quick`.
 */
import { spawnSync } from 'node:child_process';
import { startPostgresServer, type PostgresServer } from '@h2s/db/testing';

// Style and the linter's rules first: a minute's check before ten minutes of tests.
const linted = spawnSync('pnpm', ['--silent', 'lint'], { stdio: 'inherit' }).status ?? 1;
if (linted !== 0) {
  console.error('[test] pnpm lint failed: run `pnpm format` for layout, and fix what ESLint reports.');
  process.exit(linted);
}

let server: PostgresServer | null = null;
if (!process.env.DATABASE_URL) {
  server = await startPostgresServer();
  console.log(`[test] throwaway PostgreSQL at ${server.url}`);
}
const env = { ...process.env, DATABASE_URL: process.env.DATABASE_URL ?? server!.url };
const run = (args: string[]) => spawnSync('pnpm', ['exec', 'turbo', ...args], { stdio: 'inherit', env }).status ?? 1;

let status = 1;
try {
  status = spawnSync('pnpm', ['exec', 'tsc', '-p', 'bench'], { stdio: 'inherit', env }).status ?? 1;
  if (status === 0) status = run(['run', 'typecheck', 'test', '--concurrency=2', '--output-logs=errors-only']);
  if (status === 0) status = run(['run', 'test:e2e', 'test:system', '--concurrency=1', '--output-logs=new-only']);
  // The benchmark at CI size, so it cannot rot; its figures are printed, never asserted.
  if (status === 0) status = spawnSync('pnpm', ['--silent', 'bench', '--quick'], { stdio: 'inherit', env }).status ?? 1;
} finally {
  server?.stop();
}
process.exit(status);
