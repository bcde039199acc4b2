import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { checkoutInput, createCheckout } from '../domain/checkout';
import { publicProcedure } from '../trpc';

export const checkoutRouter = {
  create: publicProcedure
    .input(checkoutInput)
    .output(z.object({ orderId: z.string(), sessionId: z.string(), url: z.string(), amountTotalCents: z.number() }))
    .mutation(({ ctx, input }) => createCheckout(ctx, input, ctx.clock.now())),
} satisfies TRPCRouterRecord;
