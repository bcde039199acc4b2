import type { RequestHandler } from './$types';
import { server } from '$lib/server/api';

/** Stripe (or the built-in test checkout) delivers signed events here; the raw body is verified. */
export const POST: RequestHandler = ({ request }) => server.handleWebhook(request);
