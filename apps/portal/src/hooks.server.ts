import { redirect, type Handle, type ServerInit } from '@sveltejs/kit';
import { resolveLocals } from '@h2s/api/sveltekit';
import { server } from '$lib/server/api';
import { redirectFor } from '$lib/server/guard';

export const init: ServerInit = () => {
  // adapter-node stops taking requests on SIGTERM/SIGINT and then emits this; without closing the
  // database pool and the LISTEN connection the process would never exit.
  process.once('sveltekit:shutdown', () => void server.close());
};

export const handle: Handle = async ({ event, resolve }) => {
  // API routes build their own context; pages get the viewer and a caller here.
  if (!event.url.pathname.startsWith('/api/')) {
    Object.assign(event.locals, await resolveLocals(server, event));
    // One gate for every page (and its data requests): no session, or the other role's pages.
    const location = redirectFor(event.locals.viewer, event.url);
    if (location) redirect(303, location);
  }
  const response = await resolve(event);
  response.headers.set('x-content-type-options', 'nosniff');
  response.headers.set('referrer-policy', 'same-origin');
  response.headers.set('x-frame-options', 'DENY');
  // Production over HTTPS: browsers refuse plain HTTP to this host for two years.
  if (server.config.secureTransport) response.headers.set('strict-transport-security', 'max-age=63072000; includeSubDomains');
  return response;
};
