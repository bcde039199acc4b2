import { fail } from '@sveltejs/kit';
import { isNeedsConfirmation } from '@h2s/api/domain/errors';
import { actionMessage } from '@h2s/server/sveltekit';

/** The assign/reassign form action the dispatch board and the job page share. */
export async function assignAction({ locals, request }: { locals: App.Locals; request: Request }) {
  const form = await request.formData();
  const jobId = String(form.get('jobId') ?? '');
  const proId = String(form.get('proId') ?? '');
  const confirmOutsideRadius = form.get('confirmOutsideRadius') === 'yes';
  const offHoursReason = String(form.get('offHoursReason') ?? '').trim() || undefined;
  if (!proId) return fail(400, { jobId, message: 'Choose a pro first.' });
  try {
    await locals.api.admin.assign({ jobId, proId, confirmOutsideRadius, offHoursReason });
    const { pros } = await locals.api.admin.pros({});
    const name = pros.find((p) => p.id === proId)?.name ?? proId;
    return { jobId, message: `${jobId} is now assigned to ${name}.` };
  } catch (e) {
    // Outside the pro's radius: the form asks to confirm, then sends the same choice again.
    // On the pro's day off or outside their hours, it asks for a reason too.
    if (isNeedsConfirmation(e)) {
      const needsReason = (e as { cause?: { needsReason?: boolean } }).cause?.needsReason === true;
      return fail(409, { jobId, proId, message: (e as Error).message, confirm: true, needsReason });
    }
    const { status, message } = actionMessage(e);
    return fail(status, { jobId, message });
  }
}
