import { redirect } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { homeFor } from '$lib/server/guard';

// hooks.server.ts already sends visitors without a session to /login.
export const load: PageServerLoad = ({ locals }) => {
  redirect(303, locals.viewer ? homeFor(locals.viewer) : '/login');
};
