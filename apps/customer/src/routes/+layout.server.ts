import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ locals }) => ({
  viewer: locals.viewer?.role === 'customer' ? { name: locals.viewer.name } : null,
});
