import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { isId } from '@h2s/db/ids';
import { server } from '$lib/server/api';
import { actionMessage, failLoad } from '@h2s/server/sveltekit';

export const load: PageServerLoad = async ({ locals, url }) => {
  try {
    const [{ upcoming, completed }, ratings, offerTexts] = await Promise.all([
      locals.api.jobs.mine(),
      locals.api.ratings.mine(),
      locals.api.texts.offerAlerts(),
    ]);
    const accepted = url.searchParams.get('accepted');
    return {
      upcoming,
      completed,
      ratings,
      offerTexts,
      accepted: isId('job', accepted) ? accepted : null,
      now: server.deps.clock.now().toISOString(),
    };
  } catch (e) {
    failLoad(e, url);
  }
};

export const actions = {
  acknowledge: async ({ locals, request }) => {
    const jobId = String((await request.formData()).get('jobId') ?? '');
    try {
      await locals.api.jobs.acknowledge({ jobId });
    } catch (e) {
      const { status, message } = actionMessage(e);
      return fail(status, { jobId, message });
    }
    return { jobId, message: `Acknowledged ${jobId}: dispatch knows you have it.` };
  },
  /** Texts about new jobs near me: on (to this number) or off. */
  offerTexts: async ({ locals, request }) => {
    const form = await request.formData();
    const enabled = form.get('enabled') === 'on';
    const phone = String(form.get('phone') ?? '');
    try {
      const saved = await locals.api.texts.setOfferAlerts({ enabled, phone });
      return { textsMessage: saved.enabled ? `New jobs near you will be texted to ${saved.phone}.` : 'No more texts about new jobs.' };
    } catch (e) {
      const { status, message } = actionMessage(e);
      return fail(status, { textsError: message, phone });
    }
  },
} satisfies Actions;
