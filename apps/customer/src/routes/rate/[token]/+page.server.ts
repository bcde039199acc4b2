import { error, fail } from '@sveltejs/kit';
import { formProblem, isCode } from '@h2s/server/sveltekit';
import type { Actions, PageServerLoad } from './$types';

const GONE = 'This rating link is not valid any more. Use the link in your latest email.';

/** No sign-in: the token in the link is the authorization (see domain/ratings.ts in the API). */
export const load: PageServerLoad = async ({ params, locals, setHeaders }) => {
  setHeaders({ 'cache-control': 'private, no-store', 'referrer-policy': 'no-referrer' });
  try {
    return { page: await locals.api.ratings.get({ token: params.token }) };
  } catch (e) {
    if (isCode(e, 'NOT_FOUND') || isCode(e, 'BAD_REQUEST')) error(404, GONE);
    throw e;
  }
};

export const actions = {
  default: async ({ params, locals, request }) => {
    const form = await request.formData();
    const stars = Number(form.get('stars') ?? 0);
    const comment = String(form.get('comment') ?? '');
    try {
      const rating = await locals.api.ratings.submit({ token: params.token, stars, comment });
      return { saved: rating.stars };
    } catch (e) {
      if (isCode(e, 'NOT_FOUND')) error(404, GONE);
      const problem = formProblem(e);
      return fail(problem.status, { ...problem, stars, comment });
    }
  },
} satisfies Actions;
