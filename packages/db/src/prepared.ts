/**
 * Raw SQL statements (CTEs and all) as prepared statements: Drizzle builds the text once and
 * postgres.js prepares it once per connection, so a hot request neither rebuilds nor re-plans it
 * (issue 13). Drizzle's own builders have `.prepare()`; this is the same for `sql` templates.
 */
import { PgDialect } from 'drizzle-orm/pg-core';
import type { SQL } from 'drizzle-orm';
import type { Database } from './client';

const dialect = new PgDialect();

export interface PreparedStatement<Row> {
  /** Runs the statement with its `sql.placeholder(name)`s filled from `values`. */
  execute(values: Record<string, unknown>): Promise<Row[]>;
}

/** `statement`'s placeholders are filled per call; everything else in it is fixed when prepared. */
export function prepareStatement<Row>(db: Database, name: string, statement: SQL): PreparedStatement<Row> {
  const prepared = db._.session.prepareQuery(dialect.sqlToQuery(statement), undefined, name, false);
  return { execute: (values) => prepared.execute(values) as Promise<Row[]> };
}

/**
 * `make(db)` once per database handle, on first use (the apps have one handle; tests make one per test
 * database): for prepared statements, Drizzle's `.prepare()` ones and these alike.
 */
export function perDatabase<T>(make: (db: Database) => T): (db: Database) => T {
  const byDatabase = new WeakMap<Database, T>();
  return (db) => {
    let made = byDatabase.get(db);
    if (made === undefined) byDatabase.set(db, (made = make(db)));
    return made;
  };
}

/** One prepared raw-SQL statement per database handle. */
export const preparedPerDatabase = <Row>(name: string, statement: () => SQL): ((db: Database) => PreparedStatement<Row>) =>
  perDatabase((db) => prepareStatement<Row>(db, name, statement()));
