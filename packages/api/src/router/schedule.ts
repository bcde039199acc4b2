import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { orderIdBySession } from '../domain/job-queries';
import { scheduleFields, scheduleOrder } from '../domain/schedule';
import { notFound } from '../domain/errors';
import { checkedOutput, customerProcedure, publicProcedure, sessionIdInput } from '../trpc';

const scheduleInput = z.object({ sessionId: sessionIdInput, ...scheduleFields });
const scheduleOutput = z.object({
  orderId: z.string(),
  jobId: z.string(),
  status: z.literal('scheduled'),
  dueAt: z.string(),
  /** The pro was busy at the new time; the job is back in offers. */
  proReleased: z.boolean().optional(),
});

export const scheduleRouter = {
  confirm: publicProcedure
    .input(scheduleInput)
    .output(checkedOutput(scheduleOutput))
    .mutation(({ ctx, input: { sessionId, ...slot } }) =>
      scheduleOrder(ctx.db, { sessionId }, slot, { userId: ctx.viewer?.userId ?? null, role: 'customer' }, ctx.clock.now()),
    ),
  reschedule: customerProcedure
    .input(scheduleInput)
    .output(checkedOutput(scheduleOutput))
    .mutation(async ({ ctx, input: { sessionId, ...slot } }) => {
      const orderId = await orderIdBySession(ctx.db, sessionId);
      // A checkout grant reaches its own order only; the account's other orders need the emailed link.
      if (ctx.viewer.scopeOrderId && ctx.viewer.scopeOrderId !== orderId) throw notFound('Order');
      return scheduleOrder(
        ctx.db,
        { orderId, customerUserId: ctx.viewer.userId },
        slot,
        { userId: ctx.viewer.userId, role: 'customer' },
        ctx.clock.now(),
      );
    }),
} satisfies TRPCRouterRecord;
