import type { PageServerLoad } from './$types';
import { failLoad } from '@h2s/server/sveltekit';

export const load: PageServerLoad = async ({ locals, url }) => {
  try {
    const [{ pros }, ratings] = await Promise.all([locals.api.admin.pros({}), locals.api.ratings.byPro()]);
    const created = url.searchParams.get('created');
    const updated = url.searchParams.get('updated');
    return {
      pros,
      ratings: Object.fromEntries(ratings.pros.map((r) => [r.proId, r])),
      created: pros.some((p) => p.id === created) ? created : null,
      updated: pros.some((p) => p.id === updated) ? updated : null,
      passwordReset: url.searchParams.get('password') === 'reset',
    };
  } catch (e) {
    failLoad(e, url);
  }
};
