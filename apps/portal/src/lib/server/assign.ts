import { fail } from '@sveltejs/kit';
import { actionMessage } from '@h2s/ui/server';

/** The assign/reassign form action the dispatch board and the job page share. */
export async function assignAction({ locals, request }: { locals: App.Locals; request: Request }) {
  const form = await request.formData();
  const jobId = String(form.get('jobId') ?? '');
  const proId = String(form.get('proId') ?? '');
  if (!proId) return fail(400, { jobId, message: 'Choose a pro first.' });
  try {
    await locals.api.admin.assign({ jobId, proId });
    const { pros } = await locals.api.admin.pros({});
    const name = pros.find((p) => p.id === proId)?.name ?? proId;
    return { jobId, message: `${jobId} is now assigned to ${name}.` };
  } catch (e) {
    const { status, message } = actionMessage(e);
    return fail(status, { jobId, message });
  }
}
