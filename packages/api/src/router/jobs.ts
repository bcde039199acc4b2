import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { acceptJob } from '../domain/job-commands';
import { acknowledgeAssignment } from '../domain/dispatch-assignment';
import { takeVisitStep, type VisitStep } from '../domain/visit';
import { getJob, jobsForPro } from '../domain/job-queries';
import { authedProcedure, checkedOutput, jobIdInput, proProcedure } from '../trpc';
import { jobView } from './outputs';
import { planJobsProcedures } from './plan';

const completeInput = jobIdInput.extend({ notes: z.string().trim().max(2000, 'Notes can be at most 2000 characters').optional() });

/** Each step is for the assigned pro; a repeat returns the same job, a step out of order is CONFLICT. */
function visitStep(step: VisitStep) {
  return proProcedure
    .input(completeInput)
    .output(checkedOutput(jobView))
    .mutation(async ({ ctx, input }) => {
      await takeVisitStep(ctx.db, input.jobId, ctx.viewer.userId, step, ctx.clock.now(), step === 'complete' ? input.notes : undefined);
      return getJob(ctx.db, input.jobId, ctx.viewer);
    });
}

export const jobsRouter = {
  ...planJobsProcedures,
  /** One job, as much of it as the viewer may see (see jobAccess). */
  get: authedProcedure
    .input(jobIdInput)
    .output(checkedOutput(jobView))
    .query(({ ctx, input }) => getJob(ctx.db, input.jobId, ctx.viewer)),
  accept: proProcedure
    .input(jobIdInput)
    .output(
      checkedOutput(
        z.object({
          jobId: z.string(),
          proId: z.string(),
          assignmentId: z.string(),
          state: z.literal('accepted'),
          /** A crew job: the seat this pro holds (seat 1 leads). */
          seat: z.object({ number: z.number().int(), of: z.number().int(), lead: z.boolean() }).optional(),
        }),
      ),
    )
    .mutation(({ ctx, input }) => acceptJob(ctx.db, input.jobId, ctx.viewer.userId, ctx.clock.now())),
  mine: proProcedure
    .output(checkedOutput(z.object({ upcoming: z.array(jobView), completed: z.array(jobView) })))
    .query(({ ctx }) => jobsForPro(ctx.db, ctx.viewer.userId)),
  /** The assigned pro acknowledges an assignment dispatch made; until then it reads "Assigned by dispatch". */
  acknowledge: proProcedure
    .input(jobIdInput)
    .output(checkedOutput(z.object({ jobId: z.string(), acknowledgedAt: z.string() })))
    .mutation(({ ctx, input }) => acknowledgeAssignment(ctx.db, input.jobId, ctx.viewer.userId, ctx.clock.now())),
  /** On my way: accepted → en_route. */
  depart: visitStep('depart'),
  /** Arrived, work started: en_route → in_progress. */
  start: visitStep('start'),
  /** in_progress → completed; needs an after photo (uploads.create with kind=after). */
  complete: visitStep('complete'),
} satisfies TRPCRouterRecord;
