import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
  const { bundles } = await locals.api.catalog.list();
  const bundle = bundles.find((b) => b.sku === params.sku);
  if (!bundle) error(404, 'That bundle is not in our catalog.');
  return { bundle, others: bundles.filter((b) => b.sku !== bundle.sku).slice(0, 3) };
};
