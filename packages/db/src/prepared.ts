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
 * One prepared statement per database handle, made on first use (the apps have one handle; tests
 * make one per test database).
 */
export function preparedPerDatabase<Row>(name: string, statement: () => SQL): (db: Database) => PreparedStatement<Row> {
  const byDatabase = new WeakMap<Database, PreparedStatement<Row>>();
  return (db) => {
    let prepared = byDatabase.get(db);
    if (!prepared) byDatabase.set(db, (prepared = prepareStatement<Row>(db, name, statement())));
    return prepared;
  };
}
