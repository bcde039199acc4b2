import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { forbidden } from '../domain/errors';
import { availabilityInput, getAvailability, setAvailability } from '../domain/pros';
import { authedProcedure, checkedOutput } from '../trpc';
import { proIdSchema as proIdInput } from '@h2s/db';

const availability = z.object({
  proId: z.string(),
  timezone: z.string(),
  hours: z.array(z.object({ weekday: z.number().int(), startsAt: z.string(), endsAt: z.string() })),
  daysOff: z.array(z.string()),
});

/** A pro reads and sets their own; an admin names the pro. */
function targetPro(viewer: { role: string; userId: string }, proId: string | undefined): string {
  if (viewer.role === 'admin') {
    if (!proId) throw forbidden('Name the pro (proId).');
    return proId;
  }
  if (viewer.role === 'pro' && (!proId || proId === viewer.userId)) return viewer.userId;
  throw forbidden('Only the pro or dispatch can see these hours.');
}

export const prosRouter = {
  availability: authedProcedure
    .input(z.object({ proId: proIdInput.optional() }).default({}))
    .output(checkedOutput(availability))
    .query(({ ctx, input }) => getAvailability(ctx.db, targetPro(ctx.viewer, input.proId))),
  setAvailability: authedProcedure
    .input(availabilityInput.extend({ proId: proIdInput.optional() }))
    .output(checkedOutput(availability))
    .mutation(({ ctx, input: { proId, ...rest } }) => setAvailability(ctx.db, targetPro(ctx.viewer, proId), rest)),
} satisfies TRPCRouterRecord;
