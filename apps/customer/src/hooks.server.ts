import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
import { handleServerError } from '@h2s/api/server';
import { resolveLocals } from '@h2s/api/sveltekit';
import { server } from '$lib/server/api';

export const init: ServerInit = () => {
  // adapter-node stops taking requests on SIGTERM/SIGINT and then emits this; the database pool
  // and the LISTEN connection must close for the process to exit.
  process.once('sveltekit:shutdown', () => void server.close());
};

export const handle: Handle = async ({ event, resolve }) => {
  // API routes build their own context; pages get the viewer and a caller here.
  if (!event.url.pathname.startsWith('/api/')) Object.assign(event.locals, await resolveLocals(server, event));
  const response = await resolve(event);
  response.headers.set('x-content-type-options', 'nosniff');
  response.headers.set('referrer-policy', 'same-origin');
  response.headers.set('x-frame-options', 'DENY');
  return response;
};

/** An error that escapes a load or action: the page shows an error id, the server log the detail. */
export const handleError: HandleServerError = (input) => handleServerError(input);
