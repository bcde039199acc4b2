import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { server } from '$lib/server/api';
import { actionMessage, failLoad, isCode } from '@h2s/ui/server';
import { photosFor } from '$lib/server/photos';

export const load: PageServerLoad = async ({ locals, params, url }) => {
  const now = server.deps.clock.now().toISOString();
  try {
    const job = await locals.api.jobs.get({ jobId: params.jobId });
    const photos = await photosFor(locals.api, job.jobId);
    return { job, photos, mine: job.assignedPro?.id === locals.viewer?.userId, now };
  } catch (e) {
    // Offered to someone else by now (accepted, assigned, or outside this pro's area).
    if (isCode(e, 'FORBIDDEN')) return { job: null, photos: null, mine: false, now };
    failLoad(e, url);
  }
};

export const actions = {
  accept: async ({ locals, params }) => {
    try {
      await locals.api.jobs.accept({ jobId: params.jobId });
    } catch (e) {
      const { status, message } = actionMessage(e);
      return fail(status, { action: 'accept' as const, message });
    }
    redirect(303, `/jobs?accepted=${params.jobId}`);
  },
  complete: async ({ locals, params }) => {
    try {
      await locals.api.jobs.complete({ jobId: params.jobId });
    } catch (e) {
      const { status, message } = actionMessage(e);
      return fail(status, { action: 'complete' as const, message });
    }
    return { action: 'complete' as const, message: 'Marked complete.' };
  },
} satisfies Actions;
