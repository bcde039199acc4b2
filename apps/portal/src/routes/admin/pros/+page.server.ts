import type { PageServerLoad } from './$types';
import { failLoad } from '@h2s/server/sveltekit';

export const load: PageServerLoad = async ({ locals, url }) => {
  try {
    const { pros } = await locals.api.admin.pros({});
    const created = url.searchParams.get('created');
    const updated = url.searchParams.get('updated');
    return {
      pros,
      created: pros.some((p) => p.id === created) ? created : null,
      updated: pros.some((p) => p.id === updated) ? updated : null,
      passwordReset: url.searchParams.get('password') === 'reset',
    };
  } catch (e) {
    failLoad(e, url);
  }
};
