import type { TRPCRouterRecord } from '@trpc/server';
import { authedProcedure } from '../trpc';
import { forbidden } from '../domain/errors';
import { liveFeed, sessionChanges } from '../domain/live';

export const liveRouter = {
  /** Job changes as they commit anywhere (server-sent events); ids and kinds only, no customer data. */
  jobChanges: authedProcedure
    // Refused in a middleware, not inside the generator: an error thrown while streaming skips mapErrors
    // and reaches the client as INTERNAL_SERVER_ERROR.
    .use(({ ctx, next }) => {
      if (ctx.viewer.role === 'customer') throw forbidden('Live job changes are for pros and dispatch.');
      return next();
    })
    .subscription(({ ctx, signal }) =>
      liveFeed({ byJob: false, key: ctx.sessionKey }, sessionChanges(ctx, ctx.sessionKey, signal ?? new AbortController().signal)),
    ),
} satisfies TRPCRouterRecord;
