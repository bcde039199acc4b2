import type { RequestHandler } from './$types';
import { trpcRoute } from '@h2s/api/sveltekit';
import { server } from '$lib/server/api';

const handler: RequestHandler = trpcRoute(server);
export const GET = handler;
export const POST = handler;
