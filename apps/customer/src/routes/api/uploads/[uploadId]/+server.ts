import type { RequestHandler } from './$types';
import { uploadRoute } from '@h2s/api/sveltekit';
import { server } from '$lib/server/api';

/** Customer photos, behind signed, expiring URLs handed out by uploads.list. */
export const GET: RequestHandler = uploadRoute(server);
