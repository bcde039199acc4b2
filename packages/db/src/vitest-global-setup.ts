import { startPostgresServer } from './testing';

/** Starts a throwaway PostgreSQL server for this test run unless DATABASE_URL names one. */
export default async function setup(): Promise<(() => void) | undefined> {
  if (process.env.DATABASE_URL) return undefined;
  const server = await startPostgresServer();
  process.env.DATABASE_URL = server.url;
  return () => server.stop();
}
