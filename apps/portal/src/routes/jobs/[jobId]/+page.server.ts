import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { server } from '$lib/server/api';
import { actionMessage, failLoad, isCode } from '@h2s/server/sveltekit';
import { photosFor } from '$lib/server/photos';
import { confirmationFor } from '$lib/visit';

const DONE = {
  depart: 'The customer knows you are on the way.',
  start: 'Work started.',
  complete: 'Job complete. The customer has their receipt.',
} as const;

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
  /**
   * The next visit step. Far from the booked window (and always before completing) the first
   * submit only asks; the answer comes back with `confirmed` set.
   */
  step: async ({ locals, params, request }) => {
    const form = await request.formData();
    const step = String(form.get('step') ?? '');
    if (step !== 'depart' && step !== 'start' && step !== 'complete')
      return fail(400, { action: 'step' as const, message: 'Unknown step.' });
    const notes = String(form.get('notes') ?? '').trim();
    try {
      if (form.get('confirmed') !== 'yes') {
        const job = await locals.api.jobs.get({ jobId: params.jobId });
        const question = confirmationFor(step, job, server.deps.clock.now());
        if (question) return { action: 'step' as const, confirm: { step, question, notes } };
      }
      const job =
        step === 'complete'
          ? await locals.api.jobs.complete({ jobId: params.jobId, notes: notes || undefined })
          : await locals.api.jobs[step]({ jobId: params.jobId });
      return { action: 'step' as const, message: DONE[step], status: job.status };
    } catch (e) {
      const { status, message } = actionMessage(e);
      return fail(status, { action: 'step' as const, message });
    }
  },
  /** The pro's after photo (multipart: file), the proof completion needs. */
  photo: async ({ locals, params, request }) => {
    const file = (await request.formData()).get('file');
    const upload = new FormData();
    upload.set('jobId', params.jobId);
    upload.set('kind', 'after');
    if (file instanceof File && file.size > 0) upload.set('file', file);
    try {
      await locals.api.uploads.create(upload);
    } catch (e) {
      const { status, message } = actionMessage(e);
      return fail(status, { action: 'photo' as const, message });
    }
    return { action: 'photo' as const, message: 'After photo added.' };
  },
} satisfies Actions;
