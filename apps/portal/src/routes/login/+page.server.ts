import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { actionMessage } from '@h2s/server/sveltekit';
import { safeNext } from '$lib/server/guard';

export const load: PageServerLoad = ({ locals, url }) => {
  if (locals.viewer) redirect(303, safeNext(url.searchParams.get('next'), locals.viewer));
  return { next: url.searchParams.get('next') ?? '' };
};

export const actions = {
  login: async ({ locals, request }) => {
    const form = await request.formData();
    const email = String(form.get('email') ?? '').trim();
    const password = String(form.get('password') ?? '');
    const next = String(form.get('next') ?? '');
    if (!email || !password) {
      return fail(400, { email, message: email ? 'Enter your password.' : 'Enter your email address.' });
    }
    let role: 'customer' | 'pro' | 'admin';
    try {
      ({ role } = (await locals.api.auth.login({ email, password })).user);
    } catch (e) {
      const { status, message } = actionMessage(e);
      return fail(status, { email, message });
    }
    if (role === 'customer') return fail(403, { email, message: 'This sign-in is for pros and dispatch.' });
    redirect(303, safeNext(next, { role }));
  },
} satisfies Actions;
