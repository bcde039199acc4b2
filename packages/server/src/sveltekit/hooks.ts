/** The `hooks.server.ts` pieces both apps share. */
import { redirect, type Handle, type HandleServerError, type RequestEvent, type ServerInit } from '@sveltejs/kit';
import { handleServerError, HSTS, SECURITY_HEADERS, type AppServer, type Viewer } from '@h2s/api/server';
import { resolveLocals } from '@h2s/api/sveltekit';
import { badPathPage, decodedPath } from '@h2s/api/http/paths';
import { installProcessGuard } from '@h2s/api/http/process-guard';
import { offerAppServer } from '@h2s/server/handoff';

/** What `event.locals` holds on every page request; each app's `App.Locals` extends it. */
export interface AppLocals {
  viewer: Viewer | null;
  /** The API as this request's viewer, for loads and actions (no HTTP hop). */
  api: Awaited<ReturnType<AppServer['callerFor']>>;
}

/** Headers every response carries: no MIME sniffing, no referrer to other sites, no framing. */
export function setSecurityHeaders(headers: Headers): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) headers.set(name, value);
}

/**
 * adapter-node stops taking requests on SIGTERM/SIGINT and then emits `sveltekit:shutdown` (so does
 * the built app's own server, http/node-server.ts); the database pool and the LISTEN connection must
 * close for the process to exit.
 */
export const closeOnShutdown =
  (server: Pick<AppServer, 'close'>): ServerInit =>
  () => {
    process.once('sveltekit:shutdown', () => void server.close());
  };

/**
 * The app's `init`: close on shutdown, and offer the API to the built app's node:http server
 * (tooling/sveltekit/entry.js takes it from the one handoff module once SvelteKit's handler loaded).
 */
export const appInit =
  (server: Pick<AppServer, 'app' | 'close' | 'listen'>): ServerInit =>
  () => {
    closeOnShutdown(server)();
    installProcessGuard(server.app);
    offerAppServer(server);
  };

export interface AppHandleOptions {
  /** Where a page request should go instead (a sign-in, the other role's home), or null to serve it. */
  redirectFor?: (viewer: Viewer | null, url: URL) => string | null;
}

/**
 * The app's `handle`: pages get the viewer and a caller on `locals` (API routes build their own
 * context), an optional gate, and every response the security headers.
 */
export function appHandle(server: AppServer, options: AppHandleOptions = {}): Handle {
  return async ({ event, resolve }) => {
    // An unreadable path is refused before anything can redirect it (a redirect thrown for it escaped
    // SvelteKit's handlers and ended the process).
    if (decodedPath(event.url.pathname) === null) {
      const headers = new Headers({ 'content-type': 'text/html; charset=utf-8' });
      setSecurityHeaders(headers);
      return new Response(badPathPage(), { status: 400, headers });
    }
    const health = await server.health(event.request);
    if (health) return health;
    if (!event.url.pathname.startsWith('/api/')) {
      const locals = event.locals as unknown as AppLocals;
      Object.assign(locals, await resolveLocals(server, event as RequestEvent));
      const location = options.redirectFor?.(locals.viewer, event.url);
      if (location) redirect(303, location);
    }
    const response = await resolve(event);
    setSecurityHeaders(response.headers);
    // Production over HTTPS: browsers refuse plain HTTP to this host for two years.
    if (server.config.secureTransport) response.headers.set('strict-transport-security', HSTS);
    return response;
  };
}

/** `handleError` for both apps: the page shows an error id, the server log the detail under it. */
export const appErrorHandler: HandleServerError = (input) => handleServerError(input);
