import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { acceptJob, completeJob } from '../domain/claim';
import { acknowledgeAssignment } from '../domain/dispatch-assignment';
import { getJob, jobsForPro } from '../domain/jobs';
import { authedProcedure, jobIdInput, proProcedure } from '../trpc';
import { jobView } from './outputs';

export const jobsRouter = {
  /** One job, as much of it as the viewer may see (see jobAccess). */
  get: authedProcedure.input(jobIdInput).output(jobView).query(({ ctx, input }) => getJob(ctx.db, input.jobId, ctx.viewer)),
  accept: proProcedure
    .input(jobIdInput)
    .output(z.object({ jobId: z.string(), proId: z.string(), assignmentId: z.string(), state: z.literal('accepted') }))
    .mutation(({ ctx, input }) => acceptJob(ctx.db, input.jobId, ctx.viewer.userId, ctx.clock.now())),
  mine: proProcedure.output(z.object({ upcoming: z.array(jobView), completed: z.array(jobView) })).query(({ ctx }) => jobsForPro(ctx.db, ctx.viewer.userId)),
  /** The assigned pro acknowledges an assignment dispatch made; until then it reads "Assigned by dispatch". */
  acknowledge: proProcedure
    .input(jobIdInput)
    .output(z.object({ jobId: z.string(), acknowledgedAt: z.string() }))
    .mutation(({ ctx, input }) => acknowledgeAssignment(ctx.db, input.jobId, ctx.viewer.userId, ctx.clock.now())),
  complete: proProcedure.input(jobIdInput).output(jobView).mutation(async ({ ctx, input }) => {
    await completeJob(ctx.db, input.jobId, ctx.viewer.userId, ctx.clock.now());
    return getJob(ctx.db, input.jobId, ctx.viewer);
  }),
} satisfies TRPCRouterRecord;
