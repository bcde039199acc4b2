import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { server } from '$lib/server/api';
import { actionMessage } from '@h2s/server/sveltekit';

const DEFAULT_ZONE = 'America/Chicago';

/** Tomorrow in the zone: the day dispatch usually plans. */
function tomorrow(now: Date, timeZone: string): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  const date = new Date(`${today}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

export const load: PageServerLoad = async ({ url }) => {
  const timezone = url.searchParams.get('timezone') || DEFAULT_ZONE;
  const date = url.searchParams.get('date') || tomorrow(server.deps.clock.now(), DEFAULT_ZONE);
  return { date, timezone };
};

export const actions = {
  /** A proposal only: nothing is assigned until "Apply". */
  plan: async ({ locals, request }) => {
    const form = await request.formData();
    const date = String(form.get('date') ?? '');
    const timezone = String(form.get('timezone') ?? '');
    try {
      const plan = await locals.api.admin.planDay({ date, timezone });
      return { plan };
    } catch (e) {
      const { status, message } = actionMessage(e);
      return fail(status, { date, timezone, message });
    }
  },
  /** Each placement through admin.assign's path; what the day no longer allows is reported. */
  apply: async ({ locals, request }) => {
    const form = await request.formData();
    let placements: { jobId: string; proId: string; start?: string }[];
    try {
      placements = JSON.parse(String(form.get('placements') ?? '[]')) as typeof placements;
    } catch {
      return fail(400, { message: 'The plan to apply could not be read; plan the day again.' });
    }
    if (!placements.length) return fail(400, { message: 'This plan places no open job: nothing to apply.' });
    try {
      const outcome = await locals.api.admin.applyPlan({ placements });
      return { outcome };
    } catch (e) {
      const { status, message } = actionMessage(e);
      return fail(status, { message });
    }
  },
} satisfies Actions;
