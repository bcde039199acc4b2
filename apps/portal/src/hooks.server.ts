import { appErrorHandler, appHandle, appInit } from '@h2s/server/sveltekit';
import { server } from '$lib/server/api';
import { redirectFor } from '$lib/server/guard';

export const init = appInit(server);

// One gate for every page (and its data requests): no session, or the other role's pages.
export const handle = appHandle(server, { redirectFor });

/** An error that escapes a load or action: the page shows an error id, the server log the detail. */
export const handleError = appErrorHandler;
