import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { orderById, orderBySession } from '../domain/job-queries';
import { trackingPathOf } from '../domain/tracking';
import { uploadViewsForJobs } from '../domain/uploads';
import { cancelInput, cancelOrder } from '../domain/cancel';
import { forbidden } from '../domain/errors';
import { authedProcedure, checkedOutput, publicProcedure, sessionIdInput } from '../trpc';
import { orderView, orderWithUploads } from './outputs';

export const ordersRouter = {
  /** The checkout session id is the bearer secret the success page holds: the order, its job, schedule and photos. */
  bySession: publicProcedure
    .input(z.object({ sessionId: sessionIdInput }))
    .output(checkedOutput(orderWithUploads.extend({ trackingPath: z.string().nullable() })))
    .query(async ({ ctx, input }) => {
      const order = await orderBySession(ctx.db, input.sessionId);
      const trackingPath = await trackingPathOf(ctx.db, ctx, order);
      const uploads = order.job ? ((await uploadViewsForJobs(ctx, [order.job.jobId])).get(order.job.jobId) ?? []) : [];
      return { ...order, uploads, trackingPath };
    }),
  /** The order's customer before the cutoff, or an admin any time with a reason: cancelled, refunded once. */
  cancel: authedProcedure
    .input(cancelInput)
    .output(checkedOutput(orderView))
    .mutation(async ({ ctx, input }) => {
      const { role, userId, scopeOrderId } = ctx.viewer;
      if (role !== 'customer' && role !== 'admin') throw forbidden('Only the customer or dispatch can cancel an order.');
      await cancelOrder(ctx.db, input, { userId, role, scopeOrderId }, ctx.clock.now(), ctx.payments.mode);
      return orderById(ctx.db, input.orderId);
    }),
} satisfies TRPCRouterRecord;
