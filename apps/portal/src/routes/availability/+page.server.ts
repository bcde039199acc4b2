import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { availabilityFromForm } from '$lib/server/availability';
import { actionMessage, failLoad } from '@h2s/server/sveltekit';

export const load: PageServerLoad = async ({ locals, url }) => {
  try {
    return { availability: await locals.api.pros.availability({}) };
  } catch (e) {
    failLoad(e, url);
  }
};

export const actions = {
  availability: async ({ locals, request }) => {
    try {
      await locals.api.pros.setAvailability(availabilityFromForm(await request.formData()));
    } catch (e) {
      return fail(actionMessage(e).status, { error: actionMessage(e).message });
    }
    return { message: 'Saved. Your offers now follow these hours.' };
  },
} satisfies Actions;
