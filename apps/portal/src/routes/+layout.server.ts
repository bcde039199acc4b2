import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ locals }) => ({
  viewer: locals.viewer ? { name: locals.viewer.name, role: locals.viewer.role } : null,
});
