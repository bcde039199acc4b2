import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema';

export type Database = PostgresJsDatabase<typeof schema>;
/** A transaction handle; domain functions take this so they compose inside one transaction. */
export type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];
/** Either the database or an open transaction. */
export type DbOrTx = Database | Tx;

export interface DbHandle {
  db: Database;
  /** The connection string, for tools with their own driver (the job queue). */
  url: string;
  sql: postgres.Sql;
  close: () => Promise<void>;
}

export interface CreateDbOptions {
  /** Pool size. */
  max?: number;
  /** Longest a statement may run before the server cancels it (ms); 0 turns the limit off. */
  statementTimeoutMs?: number;
}

export function databaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) {
    throw new Error(
      'DATABASE_URL is not set. `pnpm dev` starts an embedded database and sets it; otherwise point it at a PostgreSQL server.',
    );
  }
  return url;
}

export function createDb(url: string = databaseUrl(), options: CreateDbOptions = {}): DbHandle {
  const statementTimeout = options.statementTimeoutMs ?? Number(process.env.DATABASE_STATEMENT_TIMEOUT_MS ?? 30_000);
  const sql = postgres(url, {
    max: options.max ?? Number(process.env.DATABASE_POOL_MAX ?? 10),
    onnotice: () => {},
    // Statement timeouts bound how long a stuck request holds a connection; a transaction left idle
    // (a crashed handler between statements) loses its locks after the same time.
    connection: {
      application_name: 'h2s-dispatch',
      statement_timeout: statementTimeout,
      idle_in_transaction_session_timeout: statementTimeout,
    },
  });
  const db = drizzle(sql, { schema, casing: undefined });
  return { db, sql, url, close: () => sql.end({ timeout: 5 }) };
}
