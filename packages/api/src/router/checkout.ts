import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { checkoutInput, createCheckout } from '../domain/checkout';
import { requestService, serviceRequestInput } from '../domain/coverage';
import { checkedOutput, publicProcedure } from '../trpc';

export const checkoutRouter = {
  create: publicProcedure
    .input(checkoutInput)
    .output(checkedOutput(z.object({ orderId: z.string(), sessionId: z.string(), url: z.string(), amountTotalCents: z.number() })))
    .mutation(async ({ ctx, input }) => {
      const { orderId, sessionId, url, amountTotalCents } = await createCheckout(ctx, input, ctx.clock.now());
      return { orderId, sessionId, url, amountTotalCents };
    }),
  /** "Tell me when you serve my area", after checkout refused the address. */
  notifyWhenServed: publicProcedure
    .input(serviceRequestInput)
    .output(checkedOutput(z.object({ postalCode: z.string(), city: z.string(), state: z.string() })))
    .mutation(({ ctx, input }) => requestService(ctx.db, input, ctx.clock.now())),
} satisfies TRPCRouterRecord;
