/**
 * The visit after "accepted": the assigned pro departs (en_route), starts (in_progress) and
 * completes. Each step is one conditional UPDATE from the status before it, so two taps, two
 * devices or a retry can never take a step twice: the first commits, a repeat gets the same job
 * back, a step out of order gets CONFLICT naming where the job is. Admins move a job back one step
 * (and reopen a completed one) with a reason, recorded in the audit trail.
 */
import {
  and,
  customerUploads,
  isExclusionViolation,
  dispatchJobs,
  eq,
  jobAssignments,
  sql,
  type Database,
  type DbOrTx,
  type DispatchJob,
  type JobEventType,
  type JobStatus,
} from '@h2s/db';
import { conflict, forbidden, notFound } from './errors';
import { recordJobEvent, type Actor } from './events';
import { enqueueEmail } from './notifications';
import { VISIT_CONSTRAINT } from './dayplan/place';

export type VisitStep = 'depart' | 'start' | 'complete';

const STEPS: Record<VisitStep, { from: JobStatus; to: JobStatus; event: JobEventType }> = {
  depart: { from: 'accepted', to: 'en_route', event: 'departed' },
  start: { from: 'en_route', to: 'in_progress', event: 'started' },
  complete: { from: 'in_progress', to: 'completed', event: 'completed' },
};

/** Where an admin's "back one step" takes a job; a completed job is reopened to in_progress. */
export const PREVIOUS_STATUS: Partial<Record<JobStatus, JobStatus>> = {
  en_route: 'accepted',
  in_progress: 'en_route',
  completed: 'in_progress',
};

export const STATUS_LABELS: Record<JobStatus, string> = {
  queued: 'waiting to be scheduled',
  scheduled: 'scheduled',
  accepted: 'accepted',
  en_route: 'on the way',
  in_progress: 'in progress',
  completed: 'completed',
  cancelled: 'cancelled',
};

export const AFTER_PHOTO_REQUIRED = 'Add at least one after photo of the finished work before completing the job.';

const hasAfterPhoto = sql`exists (select 1 from ${customerUploads} where ${customerUploads.jobId} = ${dispatchJobs.id} and ${customerUploads.kind} = 'after')`;

/** Why a step did not apply to this job: not found, not yours, already done (null), or out of order. */
function refuse(job: DispatchJob | undefined, proId: string, step: VisitStep): DispatchJob {
  if (!job) throw notFound('Job');
  if (job.assignedProId !== proId) throw forbidden('Only the assigned pro can update this visit.');
  const { from, to } = STEPS[step];
  if (job.status === to) return job;
  if (step === 'complete' && job.status === from) throw conflict(AFTER_PHOTO_REQUIRED);
  throw conflict(`This job is ${STATUS_LABELS[job.status]} (${job.status}); it must be ${STATUS_LABELS[from]} (${from}) to ${step}.`);
}

/** Takes one step of the visit for the assigned pro; a repeat returns the job unchanged. */
export async function takeVisitStep(
  db: Database,
  jobId: string,
  proId: string,
  step: VisitStep,
  now: Date,
  notes?: string | null,
): Promise<DispatchJob> {
  const { from, to, event } = STEPS[step];
  const completing = step === 'complete';
  const move = (tx: DbOrTx) =>
    tx
      .update(dispatchJobs)
      .set({
        status: to,
        updatedAt: now,
        ...(completing ? { completedAt: now, completionNotes: notes?.trim() || null } : {}),
      })
      .where(
        and(
          eq(dispatchJobs.id, jobId),
          eq(dispatchJobs.assignedProId, proId),
          eq(dispatchJobs.status, from),
          completing ? hasAfterPhoto : undefined,
        ),
      )
      .returning();
  return db.transaction(async (tx) => {
    let [moved] = await move(tx);
    if (!moved) {
      // The UPDATE judged the row as of its snapshot; a step committed since (the depart this start
      // raced) may have just made this one valid. Under the row lock the answer is final.
      const [job] = await tx.select().from(dispatchJobs).where(eq(dispatchJobs.id, jobId)).for('update');
      if (job?.status !== from || job.assignedProId !== proId) return refuse(job, proId, step);
      [moved] = await move(tx);
      if (!moved) return refuse(job, proId, step);
    }
    if (completing) {
      await tx
        .update(jobAssignments)
        .set({ state: 'completed', completedAt: now })
        .where(and(eq(jobAssignments.jobId, jobId), eq(jobAssignments.proId, proId), eq(jobAssignments.state, 'accepted')));
    }
    const actor: Actor = { userId: proId, role: 'pro' };
    const { eventId } = await recordJobEvent(
      tx,
      jobId,
      event,
      actor,
      completing && moved.completionNotes ? { notes: moved.completionNotes } : {},
    );
    if (step === 'depart')
      await enqueueEmail(tx, { kind: 'on_the_way', key: `on_the_way:${jobId}:${eventId}`, orderId: moved.orderId, jobId });
    if (completing) {
      const data = moved.completionNotes ? { notes: moved.completionNotes } : {};
      await enqueueEmail(tx, { kind: 'completed', key: `completed:${jobId}:${eventId}`, orderId: moved.orderId, jobId, data });
    }
    return moved;
  });
}

/**
 * An admin moves a job back one step with a reason: en_route → accepted, in_progress → en_route,
 * completed → in_progress (reopened: the pro finishes again, and the customer is told again).
 * `from` makes a double submit safe: the move applies only if the job is still there.
 */
export async function moveVisitBack(
  db: Database,
  jobId: string,
  input: { reason: string; from?: JobStatus },
  admin: Actor,
  now: Date,
): Promise<DispatchJob> {
  const reopen = db.transaction(async (tx) => {
    const [job] = await tx.select().from(dispatchJobs).where(eq(dispatchJobs.id, jobId)).for('update');
    if (!job) throw notFound('Job');
    if (input.from && job.status !== input.from) {
      throw conflict(
        `This job is ${STATUS_LABELS[job.status]} (${job.status}) now, not ${STATUS_LABELS[input.from]}; reload and try again.`,
      );
    }
    const to = PREVIOUS_STATUS[job.status];
    if (!to || !job.assignedProId)
      throw conflict(`This job is ${STATUS_LABELS[job.status]} (${job.status}); there is no visit step to move back.`);
    const reopening = job.status === 'completed';
    const [moved] = await tx
      .update(dispatchJobs)
      .set({ status: to, updatedAt: now, ...(reopening ? { completedAt: null, completionNotes: null } : {}) })
      .where(and(eq(dispatchJobs.id, jobId), eq(dispatchJobs.status, job.status)))
      .returning();
    if (!moved) throw new Error('job changed under its row lock');
    if (reopening) {
      await tx
        .update(jobAssignments)
        .set({ state: 'accepted', completedAt: null })
        .where(and(eq(jobAssignments.jobId, jobId), eq(jobAssignments.proId, job.assignedProId), eq(jobAssignments.state, 'completed')));
    }
    await recordJobEvent(tx, jobId, reopening ? 'reopened' : 'moved_back', admin, { from: job.status, to, reason: input.reason });
    return moved;
  });
  // Reopened, each pro's visit is live again (a crew's seat-holders too): one who has since taken another
  // job at that time is refused by the no-overlap constraint, and nothing is changed.
  return reopen.catch((error: unknown) => {
    if (isExclusionViolation(error, VISIT_CONSTRAINT)) {
      throw conflict('A pro on this job has since taken another job at its time, so it cannot be reopened; reassign that job first.');
    }
    throw error;
  });
}
