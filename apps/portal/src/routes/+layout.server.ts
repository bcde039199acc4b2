import { server } from '$lib/server/api';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ locals }) => ({
  viewer: locals.viewer ? { name: locals.viewer.name, role: locals.viewer.role } : null,
  // Production on the built-in test checkout (PAYMENTS_MODE=test): every page says so.
  testPayments: server.config.production && server.config.paymentsMode === 'test',
});
