import type { TRPCRouterRecord } from '@trpc/server';
import { authedProcedure } from '../trpc';
import { forbidden } from '../domain/errors';

export const liveRouter = {
  /** Job changes as they commit anywhere (server-sent events); ids and kinds only, no customer data. */
  jobChanges: authedProcedure.subscription(async function* ({ ctx, signal }) {
    if (ctx.viewer.role === 'customer') throw forbidden('Live job changes are for pros and dispatch.');
    yield* ctx.live.changes(signal ?? new AbortController().signal);
  }),
} satisfies TRPCRouterRecord;
