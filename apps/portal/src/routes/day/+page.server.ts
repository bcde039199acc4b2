import type { PageServerLoad } from './$types';
import { server } from '$lib/server/api';
import { failLoad } from '@h2s/server/sveltekit';

const localDate = (at: Date, timeZone: string) =>
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);

export const load: PageServerLoad = async ({ locals, url }) => {
  const asked = url.searchParams.get('date');
  const now = server.deps.clock.now();
  try {
    if (asked && /^\d{4}-\d{2}-\d{2}$/.test(asked)) return { day: await locals.api.jobs.myDay({ date: asked }), now: now.toISOString() };
    // Today is the pro's own: ask once to learn their zone, again if their date differs from UTC's.
    let day = await locals.api.jobs.myDay({ date: now.toISOString().slice(0, 10) });
    const today = localDate(now, day.timezone);
    if (today !== day.date) day = await locals.api.jobs.myDay({ date: today });
    return { day, now: now.toISOString() };
  } catch (e) {
    failLoad(e, url);
  }
};
