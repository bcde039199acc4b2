import { error } from '@sveltejs/kit';
import { isCode } from '@h2s/server/sveltekit';
import type { PageServerLoad } from './$types';

/** No sign-in: the token in the link is the authorization (see tracking.ts in the API). */
export const load: PageServerLoad = async ({ params, locals, depends, setHeaders }) => {
  depends('app:tracking');
  // The token is a bearer secret: never cached by a shared cache, never sent on as a referrer.
  setHeaders({ 'cache-control': 'private, no-store', 'referrer-policy': 'no-referrer' });
  try {
    return { token: params.token, tracking: await locals.api.tracking.get({ token: params.token }) };
  } catch (e) {
    if (isCode(e, 'NOT_FOUND') || isCode(e, 'BAD_REQUEST'))
      error(404, 'This tracking link is not valid any more. Use the link in your latest email.');
    throw e;
  }
};
