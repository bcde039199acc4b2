import type { Actions, PageServerLoad } from './$types';
import { server } from '$lib/server/api';
import { assignAction } from '$lib/server/assign';
import { failLoad } from '@h2s/ui/server';
import { photosFor } from '$lib/server/photos';

export const load: PageServerLoad = async ({ locals, params, url }) => {
  try {
    const [job, { events }, { pros }, photos] = await Promise.all([
      locals.api.jobs.get({ jobId: params.jobId }),
      locals.api.admin.history({ jobId: params.jobId }),
      locals.api.admin.pros({ jobId: params.jobId }),
      photosFor(locals.api, params.jobId),
    ]);
    return { job, events, pros, photos, now: server.deps.clock.now().toISOString() };
  } catch (e) {
    failLoad(e, url);
  }
};

export const actions = { assign: assignAction } satisfies Actions;
