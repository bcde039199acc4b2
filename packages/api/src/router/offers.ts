import type { TRPCRouterRecord } from '@trpc/server';
import { countOpenJobs, listOffers } from '../domain/offers';
import { z } from 'zod';
import { checkedOutput, proProcedure } from '../trpc';
import { offer } from './outputs';

export const offersRouter = {
  /** Open jobs within the pro's radius, best first, each with its score and why. */
  list: proProcedure
    .output(checkedOutput(z.object({ offers: z.array(offer), openJobsAnywhere: z.number().int().nullable() })))
    .query(async ({ ctx }) => {
      const offers = await listOffers(ctx.db, ctx.viewer.userId, ctx.clock.now());
      return { offers, openJobsAnywhere: offers.length ? null : await countOpenJobs(ctx.db) };
    }),
} satisfies TRPCRouterRecord;
