import { error } from '@sveltejs/kit';
import { resolveLocals } from '@h2s/api/sveltekit';
import { server } from '$lib/server/api';
import { isCode } from '$lib/server/errors';
import { photoLimits } from '$lib/server/photos';
import { scheduleFromForm, schedulingOptions } from '$lib/server/schedule';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

function sessionIdOf(url: URL): string {
  const sessionId = url.searchParams.get('session_id');
  if (!sessionId) error(400, 'This page needs the session_id from your checkout link.');
  return sessionId;
}

/**
 * Holding the checkout session id makes this browser the order's customer: the API sets the session
 * cookie. The request's caller was made before that cookie existed, so it is made again.
 */
async function signInAsCustomer(event: RequestEvent, sessionId: string) {
  try {
    const { user } = await event.locals.api.auth.checkoutSession({ sessionId });
    if (event.locals.viewer?.userId !== user.id) Object.assign(event.locals, await resolveLocals(server, event));
  } catch (e) {
    if (isCode(e, 'NOT_FOUND') || isCode(e, 'BAD_REQUEST')) error(404, 'We could not find this order. Check the link in your confirmation email.');
    throw e;
  }
}

export const load: PageServerLoad = async (event) => {
  event.depends('app:order', 'app:photos');
  const sessionId = sessionIdOf(event.url);
  await signInAsCustomer(event, sessionId);
  const order = await event.locals.api.orders.bySession({ sessionId });
  const all = order.job ? (await event.locals.api.uploads.list({ jobId: order.job.jobId })).uploads : [];
  // The customer's own photos stay editable; the pro's after photos are shown beside them.
  const before = all.filter((u) => u.kind !== 'after');
  const photos = { uploads: before, count: before.length };
  const afterPhotos = all.filter((u) => u.kind === 'after');
  return { order, photos, afterPhotos, photoLimits, scheduling: schedulingOptions() };
};

export const actions = {
  schedule: async ({ request, url, locals }) => {
    const sessionId = sessionIdOf(url);
    const data = await request.formData();
    return scheduleFromForm(String(data.get('orderId') ?? ''), data, (slot) => locals.api.schedule.confirm({ sessionId, ...slot }));
  },
} satisfies Actions;
