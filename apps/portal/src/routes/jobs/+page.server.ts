import type { PageServerLoad } from './$types';
import { server } from '$lib/server/api';
import { failLoad } from '$lib/server/errors';

const JOB_ID = /^JOB-[A-Z2-7]{8}$/;

export const load: PageServerLoad = async ({ locals, url }) => {
  try {
    const { upcoming, completed } = await locals.api.jobs.mine();
    const accepted = url.searchParams.get('accepted');
    return {
      upcoming,
      completed,
      accepted: accepted && JOB_ID.test(accepted) ? accepted : null,
      now: server.deps.clock.now().toISOString(),
    };
  } catch (e) {
    failLoad(e, url);
  }
};

