import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { server } from '$lib/server/api';
import { assignAction } from '$lib/server/assign';
import { actionMessage, failLoad } from '$lib/server/errors';
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

export const actions = {
  assign: assignAction,
  cancel: async ({ locals, params, request }) => {
    const reason = String((await request.formData()).get('reason') ?? '').trim();
    try {
      const job = await locals.api.jobs.get({ jobId: params.jobId });
      await locals.api.orders.cancel({ orderId: job.orderId, reason });
    } catch (e) {
      return fail(actionMessage(e).status, { cancelError: actionMessage(e).message });
    }
    return { cancelled: true };
  },
} satisfies Actions;
