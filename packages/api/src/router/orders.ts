import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { orderBySession } from '../domain/jobs';
import { publicProcedure, sessionIdInput } from '../trpc';

export const ordersRouter = {
  /** The checkout session id is the bearer secret the success page holds. */
  bySession: publicProcedure
    .input(z.object({ sessionId: sessionIdInput }))
    .query(({ ctx, input }) => orderBySession(ctx.db, input.sessionId)),
} satisfies TRPCRouterRecord;
