import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { offerTexts, setOfferTexts } from '../domain/sms/preferences';
import { checkedOutput, proProcedure } from '../trpc';

const offerTextsView = z.object({ enabled: z.boolean(), phone: z.string().nullable() });

export const textsRouter = {
  /** Whether the signed-in pro gets a text for each new job near them, and to which number. */
  offerAlerts: proProcedure.output(checkedOutput(offerTextsView)).query(({ ctx }) => offerTexts(ctx.db, ctx.viewer.userId)),
  /** Turns offer texts on (to `phone`) or off; a reply of STOP to any text turns every text off too. */
  setOfferAlerts: proProcedure
    .input(z.object({ enabled: z.boolean(), phone: z.string().trim().max(30, 'Phone number is too long').nullish() }))
    .output(checkedOutput(offerTextsView))
    .mutation(({ ctx, input }) => setOfferTexts(ctx.db, ctx.viewer.userId, input)),
} satisfies TRPCRouterRecord;
