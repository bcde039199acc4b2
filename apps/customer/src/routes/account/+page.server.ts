import { fail, redirect } from '@sveltejs/kit';
import { server } from '$lib/server/api';
import { formProblem } from '@h2s/server/sveltekit';
import { photoLimits } from '$lib/server/photos';
import { scheduleFromForm, schedulingOptions } from '$lib/server/schedule';
import { dispatchPolicy } from '@h2s/api/domain/policy';
import type { Actions, PageServerLoad } from './$types';

/** The outbox page exists where the API serves it: anywhere cookies are not Secure (development, tests). */
const outboxAvailable = () => server.deps.development;

export const load: PageServerLoad = async ({ locals, depends }) => {
  depends('app:orders', 'app:photos');
  // A checkout's grant opens its one order (the success page), not the account: that needs the emailed link.
  if (locals.viewer?.role !== 'customer' || locals.viewer.scopeOrderId) {
    return { customer: null, orders: [], outbox: outboxAvailable(), signedInToOneOrder: locals.viewer?.scopeOrderId ?? null };
  }
  const { orders } = await locals.api.account.orders();
  const withPhotos = await Promise.all(
    orders.map(async (order) => {
      // The uploader holds the customer's own (before) photos; the pro's after photos show on the order and tracking pages.
      const mine = order.job ? (await locals.api.uploads.list({ jobId: order.job.jobId })).uploads.filter((u) => u.kind !== 'after') : [];
      return { order, photos: { uploads: mine, count: mine.length } };
    }),
  );
  return {
    customer: { name: locals.viewer.name, email: locals.viewer.email },
    orders: withPhotos,
    photoLimits,
    scheduling: schedulingOptions(),
    cutoffHours: dispatchPolicy().rescheduleCutoffHours,
    outbox: outboxAvailable(),
  };
};

export const actions = {
  requestLink: async ({ request, locals }) => {
    const email = String((await request.formData()).get('email') ?? '').trim();
    try {
      await locals.api.account.requestLink({ email });
    } catch (error) {
      const problem = formProblem(error);
      return fail(problem.status, { requestLink: { email, error: problem.fieldErrors.email ?? problem.message } });
    }
    return { requestLink: { email, sent: true } };
  },
  reschedule: async ({ request, locals }) => {
    const data = await request.formData();
    const sessionId = String(data.get('sessionId') ?? '');
    return scheduleFromForm(String(data.get('orderId') ?? ''), data, (slot) => locals.api.schedule.reschedule({ sessionId, ...slot }));
  },
  cancel: async ({ request, locals }) => {
    const data = await request.formData();
    const orderId = String(data.get('orderId') ?? '');
    // A refund cannot be undone: without the confirmation (no JavaScript, no dialog) ask first.
    if (data.get('confirmed') !== 'yes') return fail(400, { cancel: { orderId, confirm: true } });
    try {
      const result = await locals.api.orders.cancel({ orderId });
      return { cancel: { orderId, cancelled: true, refundCents: result.refund?.amountCents ?? null } };
    } catch (error) {
      const problem = formProblem(error);
      return fail(problem.status, { cancel: { orderId, error: problem.message } });
    }
  },
  signOut: async ({ locals }) => {
    await locals.api.auth.logout();
    redirect(303, '/account');
  },
} satisfies Actions;
