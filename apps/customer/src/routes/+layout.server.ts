import { server } from '$lib/server/api';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ locals }) => ({
  viewer: locals.viewer?.role === 'customer' ? { name: locals.viewer.name } : null,
  // Production on the built-in test checkout (PAYMENTS_MODE=test): every page says so.
  testPayments: server.config.production && server.config.paymentsMode === 'test',
});
