import { error } from '@sveltejs/kit';
import { isCode } from '@h2s/server/sveltekit';
import { photoLimits } from '$lib/server/photos';
import { scheduleFromForm, schedulingOptions } from '$lib/server/schedule';
import type { Actions, PageServerLoad } from './$types';

function sessionIdOf(url: URL): string {
  const sessionId = url.searchParams.get('session_id');
  if (!sessionId) error(400, 'This page needs the session_id from your checkout link.');
  return sessionId;
}

/**
 * The holder of the checkout session id sees that order (orders.bySession). Opening this page signs
 * nobody in: a link must not sign a visitor in to someone else's order (login CSRF). Adding photos
 * first asks the API for the order's grant with a same-site POST (auth.checkoutSession).
 */
export const load: PageServerLoad = async (event) => {
  event.depends('app:order', 'app:photos');
  const sessionId = sessionIdOf(event.url);
  let order;
  try {
    order = await event.locals.api.orders.bySession({ sessionId });
  } catch (e) {
    if (isCode(e, 'NOT_FOUND') || isCode(e, 'BAD_REQUEST'))
      error(404, 'We could not find this order. Check the link in your confirmation email.');
    throw e;
  }
  const viewer = event.locals.viewer;
  const signedInToOrder =
    viewer?.role === 'customer' &&
    (viewer.scopeOrderId ? viewer.scopeOrderId === order.orderId : viewer.email.toLowerCase() === order.customerEmail.toLowerCase());
  // The customer's own photos stay editable; the pro's after photos are shown beside them.
  const before = order.uploads.filter((u) => u.kind !== 'after');
  const afterPhotos = order.uploads.filter((u) => u.kind === 'after');
  return {
    order,
    photos: { uploads: before, count: before.length },
    afterPhotos,
    signedInToOrder,
    photoLimits,
    scheduling: schedulingOptions(),
  };
};

export const actions = {
  schedule: async ({ request, url, locals }) => {
    const sessionId = sessionIdOf(url);
    const data = await request.formData();
    return scheduleFromForm(String(data.get('orderId') ?? ''), data, (slot) => locals.api.schedule.confirm({ sessionId, ...slot }));
  },
} satisfies Actions;
