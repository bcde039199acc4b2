import { error } from '@sveltejs/kit';
import { server } from '$lib/server/api';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
  // Development and tests only: in production the mail is really sent and this page does not exist.
  if (!server.deps.development) error(404, 'Not found');
  const { emails, texts } = await locals.api.account.outbox();
  return { emails, texts };
};
