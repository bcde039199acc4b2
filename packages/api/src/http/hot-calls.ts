/**
 * The procedures the node:http `hot` lane serves through `createCaller` (node-trpc.ts): the calls the
 * apps make most. Each entry's kind is checked by the compiler against the router (KindAt), so a
 * procedure that changes from query to mutation fails the typecheck, not a request.
 */
import type { AnyTRPCMutationProcedure, AnyTRPCQueryProcedure } from '@trpc/server';
import type { AppRouter } from '../root';

/** 'query' or 'mutation' for the procedure at a dotted path of a router record; never otherwise. */
type KindAt<R, P extends string> = P extends `${infer Head}.${infer Tail}`
  ? Head extends keyof R
    ? KindAt<R[Head], Tail>
    : never
  : P extends keyof R
    ? R[P] extends AnyTRPCQueryProcedure
      ? 'query'
      : R[P] extends AnyTRPCMutationProcedure
        ? 'mutation'
        : never
    : never;

const hot = <const T extends Record<string, 'query' | 'mutation'>>(calls: T & { [P in keyof T & string]: KindAt<AppRouter, P> }) => calls;

const HOT_CALLS: Record<string, 'query' | 'mutation' | undefined> = hot({
  'catalog.list': 'query',
  'auth.me': 'query',
  'offers.list': 'query',
  'jobs.mine': 'query',
  'jobs.get': 'query',
  'tracking.get': 'query',
  'orders.bySession': 'query',
  'uploads.list': 'query',
  'auth.login': 'mutation',
  'jobs.accept': 'mutation',
  'jobs.depart': 'mutation',
  'jobs.start': 'mutation',
  'schedule.confirm': 'mutation',
  'schedule.reschedule': 'mutation',
});

export const hotCallKind = (path: string): 'query' | 'mutation' | undefined =>
  Object.hasOwn(HOT_CALLS, path) ? HOT_CALLS[path] : undefined;
