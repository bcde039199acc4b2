import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { listBundlesCached } from '../domain/catalog';
import { checkedOutput, publicProcedure } from '../trpc';

const bundle = z.object({
  sku: z.string(),
  name: z.string(),
  description: z.string(),
  priceCents: z.number(),
  items: z.array(z.string()),
  equipment: z.array(z.string()),
  /** What a pro must be able to do for this bundle. */
  skills: z.array(z.string()),
  /** Minutes of work on site per unit. */
  durationMinutes: z.number().int(),
  crewSize: z.number().int(),
});

export const catalogRouter = {
  list: publicProcedure
    .output(checkedOutput(z.object({ bundles: z.array(bundle) })))
    .query(async ({ ctx }) => ({ bundles: await listBundlesCached(ctx.db) })),
} satisfies TRPCRouterRecord;
