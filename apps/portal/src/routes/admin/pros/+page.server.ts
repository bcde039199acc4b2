import type { PageServerLoad } from './$types';
import { failLoad } from '@h2s/ui/server';

export const load: PageServerLoad = async ({ locals, url }) => {
  try {
    const { pros } = await locals.api.admin.pros({});
    const created = url.searchParams.get('created');
    return { pros, created: pros.some((p) => p.id === created) ? created : null };
  } catch (e) {
    failLoad(e, url);
  }
};
