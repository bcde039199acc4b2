import { JOB_STATUSES, type JobStatus } from '@h2s/db';
import type { Actions, PageServerLoad } from './$types';
import { server } from '$lib/server/api';
import { assignAction } from '$lib/server/assign';
import { failLoad } from '@h2s/server/sveltekit';

const isStatus = (value: string | null): value is JobStatus => (JOB_STATUSES as readonly string[]).includes(value ?? '');

export const load: PageServerLoad = async ({ locals, url }) => {
  const params = url.searchParams;
  const status = params.get('status');
  const date = params.get('date');
  const filter = {
    status: isStatus(status) ? status : undefined,
    date: date && /^\d{4}-\d{2}-\d{2}$/.test(date) ? date : undefined,
    unassigned: params.has('unassigned') && params.get('unassigned') !== '0' ? true : undefined,
  };
  try {
    const [{ jobs }, { areas }] = await Promise.all([locals.api.admin.board(filter), locals.api.admin.unservedDemand()]);
    return {
      jobs,
      unserved: areas,
      filter: { status: filter.status ?? '', date: filter.date ?? '', unassigned: filter.unassigned ?? false },
      statuses: JOB_STATUSES,
      now: server.deps.clock.now().toISOString(),
    };
  } catch (e) {
    failLoad(e, url);
  }
};

export const actions = { assign: assignAction } satisfies Actions;
