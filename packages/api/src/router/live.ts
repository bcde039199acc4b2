import type { TRPCRouterRecord } from '@trpc/server';
import { authedProcedure } from '../trpc';
import { forbidden } from '../domain/errors';
import { sessionChanges } from '../domain/live';

export const liveRouter = {
  /** Job changes as they commit anywhere (server-sent events); ids and kinds only, no customer data. */
  jobChanges: authedProcedure.subscription(async function* ({ ctx, signal }) {
    if (ctx.viewer.role === 'customer') throw forbidden('Live job changes are for pros and dispatch.');
    yield* sessionChanges(ctx, ctx.sessionKey, signal ?? new AbortController().signal);
  }),
} satisfies TRPCRouterRecord;
