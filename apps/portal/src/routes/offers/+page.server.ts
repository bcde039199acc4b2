import type { PageServerLoad } from './$types';
import { server } from '$lib/server/api';
import { failLoad } from '@h2s/server/sveltekit';

export const load: PageServerLoad = async ({ locals, url }) => {
  try {
    const { offers, openJobsAnywhere, paused } = await locals.api.offers.list();
    return { offers, openJobsAnywhere, paused: paused ?? false, now: server.deps.clock.now().toISOString() };
  } catch (e) {
    failLoad(e, url);
  }
};
