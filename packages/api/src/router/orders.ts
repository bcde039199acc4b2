import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { eq, orders } from '@h2s/db';
import { orderBySession } from '../domain/jobs';
import { trackingToken } from '../domain/tracking';
import { uploadViewsForJob } from '../domain/uploads';
import { publicProcedure, sessionIdInput } from '../trpc';
import { orderWithUploads } from './outputs';

export const ordersRouter = {
  /** The checkout session id is the bearer secret the success page holds: the order, its job, schedule and photos. */
  bySession: publicProcedure
    .input(z.object({ sessionId: sessionIdInput }))
    .output(orderWithUploads.extend({ trackingPath: z.string().nullable() }))
    .query(async ({ ctx, input }) => {
    const order = await orderBySession(ctx.db, input.sessionId);
    const [tracking] = await ctx.db.select({ version: orders.trackingVersion }).from(orders).where(eq(orders.id, order.orderId));
    // The customer's tracking page, once the order is paid (the link every email carries too).
    const trackingPath = order.paymentStatus === 'paid' && tracking ? `/track/${trackingToken(ctx, order.orderId, tracking.version)}` : null;
    return { ...order, uploads: order.job ? await uploadViewsForJob(ctx, order.job.jobId) : [], trackingPath };
  }),
} satisfies TRPCRouterRecord;
