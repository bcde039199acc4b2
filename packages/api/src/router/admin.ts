import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { JOB_STATUSES } from '@h2s/db';
import { assignJob } from '../domain/claim';
import { dispatchBoard, jobHistory, prosWithDistance } from '../domain/jobs';
import { createPro, createProInput } from '../domain/pros';
import { adminProcedure, jobIdInput } from '../trpc';

const proIdInput = z.string().trim().regex(/^USR-[A-Z2-7]{10}$/, 'Not a pro id');

export const adminRouter = {
  assign: adminProcedure
    .input(jobIdInput.extend({ proId: proIdInput }))
    .output(z.object({ assignmentId: z.string(), jobId: z.string(), proId: z.string(), state: z.string(), assignedAt: z.string() }))
    .mutation(async ({ ctx, input }) => {
      const a = await assignJob(ctx.db, input.jobId, input.proId, { userId: ctx.viewer.userId, role: 'admin' }, ctx.clock.now());
      return { assignmentId: a.id, jobId: a.jobId, proId: a.proId, state: a.state, assignedAt: a.assignedAt.toISOString() };
    }),
  createPro: adminProcedure
    .input(createProInput)
    .output(z.object({ proId: z.string() }))
    .mutation(({ ctx, input }) => createPro(ctx.db, input, ctx.clock.now())),
  board: adminProcedure
    .input(
      z
        .object({
          status: z.enum(JOB_STATUSES).optional(),
          date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Date must look like 2026-01-15').optional(),
          unassigned: z.boolean().optional(),
        })
        .default({}),
    )
    .query(async ({ ctx, input }) => ({ jobs: await dispatchBoard(ctx.db, input) })),
  pros: adminProcedure
    .input(z.object({ jobId: jobIdInput.shape.jobId.optional() }).default({}))
    .query(async ({ ctx, input }) => ({ pros: await prosWithDistance(ctx.db, input.jobId) })),
  history: adminProcedure.input(jobIdInput).query(async ({ ctx, input }) => ({
    events: (await jobHistory(ctx.db, input.jobId)).map((e) => ({ ...e, createdAt: e.createdAt.toISOString() })),
  })),
} satisfies TRPCRouterRecord;
