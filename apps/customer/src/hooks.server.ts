import { appHandle, closeOnShutdown } from '@h2s/ui/server';
import { server } from '$lib/server/api';

export const init = closeOnShutdown(server);

export const handle = appHandle(server);
