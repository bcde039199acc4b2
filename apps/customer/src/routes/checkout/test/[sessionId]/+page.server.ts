import { error, fail, redirect } from '@sveltejs/kit';
import { isCode } from '@h2s/server/sveltekit';
import { deliverTestEvent, testCheckoutEnabled } from '$lib/server/test-checkout';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

async function orderOf({ locals, params }: Pick<RequestEvent, 'locals' | 'params'>) {
  // With real Stripe, payment happens on Stripe's page and this route does not exist.
  if (!testCheckoutEnabled()) error(404, 'Not found');
  try {
    return await locals.api.orders.bySession({ sessionId: params.sessionId });
  } catch (e) {
    if (isCode(e, 'NOT_FOUND') || isCode(e, 'BAD_REQUEST')) error(404, 'We could not find this checkout.');
    throw e;
  }
}

export const load: PageServerLoad = async (event) => ({ order: await orderOf(event) });

export const actions = {
  pay: async (event) => {
    const order = await orderOf(event);
    if (order.paymentStatus === 'pending') {
      const delivered = await deliverTestEvent(event.fetch, event.url.origin, order, 'paid');
      if (!delivered.ok) return fail(502, { message: delivered.message });
    } else if (order.paymentStatus !== 'paid') {
      return fail(409, { message: 'This checkout has ended. Go back to your cart to start a new one.' });
    }
    redirect(303, `/success?session_id=${encodeURIComponent(order.sessionId)}`);
  },
  cancel: async (event) => {
    const order = await orderOf(event);
    if (order.paymentStatus === 'pending') {
      const delivered = await deliverTestEvent(event.fetch, event.url.origin, order, 'expired');
      if (!delivered.ok) return fail(502, { message: delivered.message });
    }
    redirect(303, '/cart?checkout=cancelled');
  },
} satisfies Actions;
