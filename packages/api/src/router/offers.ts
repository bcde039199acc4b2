import type { TRPCRouterRecord } from '@trpc/server';
import { eq, pros } from '@h2s/db';
import { countOpenJobs, listOffers } from '../domain/offers';
import { z } from 'zod';
import { checkedOutput, proProcedure } from '../trpc';
import { offer } from './outputs';

export const offersRouter = {
  /** Open jobs within the pro's radius, best first, each with its score and why. */
  list: proProcedure
    .output(
      checkedOutput(
        z.object({
          offers: z.array(offer),
          openJobsAnywhere: z.number().int().nullable(),
          /** Set only when there are no offers: a paused pro is told so rather than to widen their radius. */
          paused: z.boolean().optional(),
        }),
      ),
    )
    .query(async ({ ctx }) => {
      const offers = await listOffers(ctx.db, ctx.viewer.userId, ctx.clock.now());
      if (offers.length) return { offers, openJobsAnywhere: null };
      const [pro] = await ctx.db.select({ active: pros.active }).from(pros).where(eq(pros.userId, ctx.viewer.userId));
      return { offers, openJobsAnywhere: await countOpenJobs(ctx.db), paused: pro?.active === false };
    }),
} satisfies TRPCRouterRecord;
