import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { getRatingPage, ratingSummaries, submitRating } from '../domain/ratings';
import { adminProcedure, checkedOutput, proProcedure, publicProcedure } from '../trpc';
import { trackingTokenInput } from './tracking';

const ratingView = z.object({
  jobId: z.string(),
  stars: z.number().int(),
  comment: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  changeableUntil: z.string(),
});

const summary = z.object({
  proId: z.string(),
  name: z.string(),
  average: z.number().nullable(),
  count: z.number().int(),
  lowCount: z.number().int(),
  recent: z.array(
    z.object({ jobId: z.string(), stars: z.number().int(), comment: z.string().nullable(), at: z.string(), low: z.boolean() }),
  ),
});

export const ratingInput = trackingTokenInput.extend({
  stars: z.number().int('Pick 1 to 5 stars').min(1, 'Pick 1 to 5 stars').max(5, 'Pick 1 to 5 stars'),
  comment: z.string().trim().max(1000, 'A comment can be at most 1000 characters').nullish(),
});

export const ratingsRouter = {
  /** The rating page: whether the visit can be rated and the rating so far (holder of the rating link). */
  get: publicProcedure
    .input(trackingTokenInput)
    .output(
      checkedOutput(
        z.object({ open: z.boolean(), proFirstName: z.string().nullable(), rating: ratingView.nullable(), changeable: z.boolean() }),
      ),
    )
    .query(({ ctx, input }) => getRatingPage(ctx, input.token)),
  /** Gives or changes the visit's one rating (holder of the rating link). */
  submit: publicProcedure
    .input(ratingInput)
    .output(checkedOutput(ratingView))
    .mutation(({ ctx, input }) => submitRating(ctx, input)),
  /** The signed-in pro's average and recent ratings. */
  mine: proProcedure.output(checkedOutput(summary.omit({ name: true, proId: true }))).query(async ({ ctx }) => {
    const [mine] = await ratingSummaries(ctx.db, [ctx.viewer.userId]);
    return { average: mine?.average ?? null, count: mine?.count ?? 0, lowCount: mine?.lowCount ?? 0, recent: mine?.recent ?? [] };
  }),
  /** Every pro's, for dispatch; ratings at or below LOW_RATING_STARS are flagged `low`. */
  byPro: adminProcedure
    .output(checkedOutput(z.object({ pros: z.array(summary) })))
    .query(async ({ ctx }) => ({ pros: await ratingSummaries(ctx.db, null) })),
} satisfies TRPCRouterRecord;
