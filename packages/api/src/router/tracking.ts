import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { liveFeed } from '../domain/live';
import { getTracking, orderOfToken, TRACKING_STEPS } from '../domain/tracking';
import { JOB_STATUSES } from '@h2s/db';
import { checkedOutput, publicProcedure } from '../trpc';

/** Any string: a malformed token gets the same NOT_FOUND as a forged one. */
export const trackingTokenInput = z.object({ token: z.string().max(200) });

export const trackingRouter = {
  /** The order's progress for whoever holds its tracking link; never the address or the pro's full name. */
  get: publicProcedure
    .input(trackingTokenInput)
    .output(
      checkedOutput(
        z.object({
          status: z.enum(JOB_STATUSES),
          window: z
            .object({ date: z.string(), timeWindow: z.string(), timezone: z.string(), startsAt: z.string(), label: z.string() })
            .nullable(),
          timeline: z.array(
            z.object({
              step: z.enum(TRACKING_STEPS),
              label: z.string(),
              done: z.boolean(),
              current: z.boolean(),
              at: z.string().nullable(),
            }),
          ),
          proFirstName: z.string().nullable(),
          items: z.array(z.object({ name: z.string(), quantity: z.number().int() })),
          afterPhotos: z.array(z.object({ uploadId: z.string(), url: z.string() })),
          completedAt: z.string().nullable(),
          completionNotes: z.string().nullable(),
          cancellation: z
            .object({
              at: z.string(),
              reason: z.string().nullable(),
              refundCents: z.number().nullable(),
              refundStatus: z.string().nullable(),
            })
            .nullable(),
          crew: z.object({ size: z.number().int(), confirmed: z.number().int() }).nullable(),
          ratingPath: z.string().nullable(),
          timezone: z.string(),
          eta: z.object({ at: z.string(), lateMinutes: z.number().int() }).nullable().optional(),
        }),
      ),
    )
    .query(({ ctx, input }) => getTracking(ctx, input.token)),
  /** A tick (server-sent events) each time the order's job changes; the page then reloads tracking.get. */
  changes: publicProcedure.input(trackingTokenInput).subscription(async ({ ctx, input, signal }) => {
    // Resolved before streaming starts, so a bad link is NOT_FOUND (a throw inside the stream skips mapErrors).
    const { jobId } = await orderOfToken(ctx.db, ctx, input.token);
    return liveFeed(
      jobId ? { byJob: true, key: jobId } : null,
      (async function* () {
        if (!jobId) return;
        for await (const change of ctx.live.changes(signal ?? new AbortController().signal)) {
          if (change.jobId === jobId) yield { type: change.type, at: change.at };
        }
      })(),
    );
  }),
} satisfies TRPCRouterRecord;
