import type { TRPCRouterRecord } from '@trpc/server';
import { countOpenJobs } from '../domain/offers';
import { listOffersPage } from '../domain/dayplan/offers';
import { offerRanking } from '../domain/policy';
import { z } from 'zod';
import { checkedOutput, proProcedure } from '../trpc';
import { offer } from './outputs';

/** What taking the job does to the pro's day (scheduled jobs only). */
const dayImpact = z.object({
  addedDriveMinutes: z.number().int(),
  fitsFrom: z.string(),
  fitsTo: z.string(),
  plannedStart: z.string(),
  summary: z.string(),
});

export const offersRouter = {
  /** Open jobs within the pro's radius that fit their day, best first by DISPATCH_POLICY, a page at a time. */
  list: proProcedure
    .input(z.object({ cursor: z.string().max(16).optional() }).optional())
    .output(
      checkedOutput(
        z.object({
          offers: z.array(offer.extend({ day: dayImpact.optional() })),
          nextCursor: z.string().optional(),
          openJobsAnywhere: z.number().int().nullable(),
        }),
      ),
    )
    .query(async ({ ctx, input }) => {
      const page = await listOffersPage(ctx.db, ctx.viewer.userId, ctx.clock.now(), {
        ...(input?.cursor ? { cursor: input.cursor } : {}),
        ranking: offerRanking(),
      });
      return { ...page, openJobsAnywhere: page.offers.length || input?.cursor ? null : await countOpenJobs(ctx.db) };
    }),
} satisfies TRPCRouterRecord;
