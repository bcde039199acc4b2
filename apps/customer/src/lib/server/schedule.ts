import { fail } from '@sveltejs/kit';
import { DISPATCH_CONTACT, SCHEDULE_HORIZON_DAYS, TIME_WINDOW_LABELS } from '@h2s/api/domain/schedule';
import { dispatchPolicy } from '@h2s/api/domain/policy';
import type { RouterInputs } from '@h2s/api/client';
import { server } from './api';
import { formProblem } from '@h2s/server/sveltekit';
import type { ScheduleResult } from '$lib/types';

type Slot = Omit<RouterInputs['schedule']['confirm'], 'sessionId'>;

/** What every schedule picker needs from the server: the API's windows and the API clock's "now". */
export function schedulingOptions() {
  return {
    timeWindows: [...TIME_WINDOW_LABELS] as string[],
    now: server.deps.clock.now().toISOString(),
    horizonDays: SCHEDULE_HORIZON_DAYS,
    /** Inside this many hours of its start a visit can no longer be changed online: say so at booking. */
    cutoffHours: dispatchPolicy().rescheduleCutoffHours,
    dispatchContact: DISPATCH_CONTACT,
  };
}

/**
 * Reads a schedule picker's form and calls confirm or reschedule. The result names the order, so a
 * page with several pickers shows the answer next to the right one.
 */
export async function scheduleFromForm(
  orderId: string,
  data: FormData,
  call: (slot: Slot) => Promise<{ dueAt: string; proReleased?: boolean }>,
) {
  const values = {
    date: String(data.get('date') ?? ''),
    timeWindow: String(data.get('timeWindow') ?? ''),
    timezone: String(data.get('timezone') ?? ''),
  };
  // Nothing chosen yet is a form matter; everything else about the slot is for the API to judge.
  const missing: Record<string, string> = {};
  if (!values.date) missing.date = 'Choose a date';
  if (!values.timeWindow) missing.timeWindow = 'Choose a time window';
  if (Object.keys(missing).length) {
    return fail(400, {
      schedule: { orderId, values, fieldErrors: missing, message: 'Choose a date and a time window.' } as ScheduleResult,
    });
  }
  try {
    const { dueAt, proReleased } = await call({ ...values, timeWindow: values.timeWindow as Slot['timeWindow'] });
    return { schedule: { orderId, values, fieldErrors: {}, message: null, dueAt, proReleased: proReleased ?? false } as ScheduleResult };
  } catch (error) {
    const problem = formProblem(error);
    return fail(problem.status, {
      schedule: { orderId, values, fieldErrors: problem.fieldErrors, message: problem.message } as ScheduleResult,
    });
  }
}
