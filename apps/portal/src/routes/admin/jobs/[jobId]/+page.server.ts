import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { server } from '$lib/server/api';
import { assignAction } from '$lib/server/assign';
import type { RouterInputs } from '@h2s/api/client';
import { actionMessage, failLoad, formProblem } from '@h2s/server/sveltekit';
import { TIME_WINDOWS } from '@h2s/db';
import { photosFor } from '$lib/server/photos';

export const load: PageServerLoad = async ({ locals, params, url }) => {
  try {
    const [job, { events }, { pros }, photos] = await Promise.all([
      locals.api.jobs.get({ jobId: params.jobId }),
      locals.api.admin.history({ jobId: params.jobId }),
      locals.api.admin.pros({ jobId: params.jobId }),
      photosFor(locals.api, params.jobId),
    ]);
    return { job, events, pros, photos, now: server.deps.clock.now().toISOString(), timeWindows: Object.keys(TIME_WINDOWS) };
  } catch (e) {
    failLoad(e, url);
  }
};

export const actions = {
  assign: assignAction,
  /** Dispatch fills or changes one seat of a crew job (admin.assignSeat); the outcome shows beside that seat. */
  assignSeat: async ({ locals, params, request }) => {
    const form = await request.formData();
    const seat = Number(form.get('seat'));
    const proId = String(form.get('proId') ?? '');
    if (!proId) return fail(400, { action: 'assignSeat' as const, seat, ok: false, message: 'Choose a pro for this seat first.' });
    try {
      const crew = await locals.api.admin.assignSeat({ jobId: params.jobId, seat, proId });
      const name = crew.members.find((m) => m.seat === seat)?.name ?? proId;
      const full = crew.confirmed === crew.size ? ' Every seat is filled.' : '';
      return { action: 'assignSeat' as const, seat, ok: true, message: `${name} now holds seat ${seat}.${full}` };
    } catch (e) {
      const { status, message } = actionMessage(e);
      return fail(status, { action: 'assignSeat' as const, seat, ok: false, message });
    }
  },
  /** One visit step back (a completed job is reopened), with the reason in the audit trail. */
  moveBack: async ({ locals, params, request }) => {
    const form = await request.formData();
    const reason = String(form.get('reason') ?? '');
    const from = String(form.get('from') ?? '');
    try {
      const job = await locals.api.admin.moveBack({ jobId: params.jobId, reason, from: from as RouterInputs['admin']['moveBack']['from'] });
      return { action: 'moveBack' as const, message: `Moved back to ${job.status.replace('_', ' ')}.` };
    } catch (e) {
      const { status, message } = actionMessage(e);
      return fail(status, { action: 'moveBack' as const, message, reason });
    }
  },
  /** Dispatch moves the visit to another day or window (no cutoff, no limit), in the home's time zone. */
  reschedule: async ({ locals, params, request }) => {
    const form = await request.formData();
    const date = String(form.get('date') ?? '');
    const timeWindow = String(form.get('timeWindow') ?? '');
    try {
      const job = await locals.api.jobs.get({ jobId: params.jobId });
      // Dispatch reads windows at the home, whatever zone the customer booked in.
      const timezone = job.timezone;
      const moved = await locals.api.admin.reschedule({
        orderId: job.orderId,
        date,
        timeWindow,
        timezone,
      } as RouterInputs['admin']['reschedule']);
      return {
        action: 'reschedule' as const,
        message: `Moved to ${date}, ${timeWindow}.${moved.proReleased ? ' The pro was busy then, so the job is back in offers.' : ''}`,
      };
    } catch (e) {
      const problem = formProblem(e);
      return fail(problem.status, {
        action: 'reschedule' as const,
        message: problem.message,
        fieldErrors: problem.fieldErrors,
        date,
        timeWindow,
      });
    }
  },
  cancel: async ({ locals, params, request }) => {
    const data = await request.formData();
    const reason = String(data.get('reason') ?? '').trim();
    // A refund cannot be undone: the form's checkbox says so, and nothing happens without it.
    if (data.get('confirmed') !== 'yes') return fail(400, { cancelError: 'Tick the box to confirm the refund; it cannot be undone.' });
    try {
      const job = await locals.api.jobs.get({ jobId: params.jobId });
      await locals.api.orders.cancel({ orderId: job.orderId, reason });
    } catch (e) {
      return fail(actionMessage(e).status, { cancelError: actionMessage(e).message });
    }
    return { cancelled: true };
  },
} satisfies Actions;
