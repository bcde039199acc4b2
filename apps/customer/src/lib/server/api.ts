import { building } from '$app/environment';
import { createAppServer, type AppServer } from '@h2s/api/server';

/**
 * One API server per process: one database pool, one LISTEN connection. Not created while
 * SvelteKit analyses the build, when there is no database to point at.
 */
export const server: AppServer = building ? (undefined as unknown as AppServer) : createAppServer({ app: 'customer' });
