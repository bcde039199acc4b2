import { fail, redirect } from '@sveltejs/kit';
import { isCode } from '@h2s/server/sveltekit';
import type { Actions } from './$types';

/**
 * The link only shows a button; the token is spent by the POST. Mail scanners that prefetch
 * links (GET) would otherwise use it up before the customer ever clicks.
 */
export const actions = {
  default: async ({ locals, params }) => {
    let ok = false;
    try {
      ({ ok } = await locals.api.account.redeemLink({ token: params.token }));
    } catch (error) {
      // A malformed token is just another link that does not work.
      if (!isCode(error, 'BAD_REQUEST')) throw error;
    }
    if (ok) redirect(303, '/account');
    return fail(410, { expired: true });
  },
} satisfies Actions;
