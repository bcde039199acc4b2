import { appErrorHandler, appHandle, appInit } from '@h2s/server/sveltekit';
import { server } from '$lib/server/api';

export const init = appInit(server);

export const handle = appHandle(server);

/** An error that escapes a load or action: the page shows an error id, the server log the detail. */
export const handleError = appErrorHandler;
