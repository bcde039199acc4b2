import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { orderBySession } from '../domain/jobs';
import { uploadViewsForJob } from '../domain/uploads';
import { publicProcedure, sessionIdInput } from '../trpc';
import { orderWithUploads } from './outputs';

export const ordersRouter = {
  /** The checkout session id is the bearer secret the success page holds: the order, its job, schedule and photos. */
  bySession: publicProcedure
    .input(z.object({ sessionId: sessionIdInput }))
    .output(orderWithUploads)
    .query(async ({ ctx, input }) => {
    const order = await orderBySession(ctx.db, input.sessionId);
    return { ...order, uploads: order.job ? await uploadViewsForJob(ctx, order.job.jobId) : [] };
  }),
} satisfies TRPCRouterRecord;
