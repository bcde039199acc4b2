/** The typed browser client: plain JSON, FormData for uploads, server-sent events for live updates. */
import {
  createTRPCClient,
  httpBatchLink,
  httpLink,
  httpSubscriptionLink,
  isNonJsonSerializable,
  splitLink,
  TRPCClientError,
} from '@trpc/client';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from './root';

export type RouterInputs = inferRouterInputs<AppRouter>;
import { MAX_BATCH_SIZE, NEVER_BATCHED } from './http/limits';

export type RouterOutputs = inferRouterOutputs<AppRouter>;
export { TRPCClientError };

export function createApiClient(baseUrl = '') {
  const url = `${baseUrl}/api/trpc`;
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({ url }),
        false: splitLink({
          // Files go unbatched, and so do sign-in, link and password calls (the server refuses them in a batch).
          condition: (op) => isNonJsonSerializable(op.input) || NEVER_BATCHED.has(op.path),
          true: httpLink({ url }),
          false: httpBatchLink({ url, maxItems: MAX_BATCH_SIZE }),
        }),
      }),
    ],
  });
}

export type ApiClient = ReturnType<typeof createApiClient>;

/** A browser call's error as messages by field (from a BAD_REQUEST), else the error's message under "_". */
export function fieldErrorsOfClientError(error: unknown): Record<string, string> {
  if (error instanceof TRPCClientError) {
    const fields = (error.data as { fieldErrors?: Record<string, string> } | undefined)?.fieldErrors;
    return fields ?? { _: error.message };
  }
  return { _: error instanceof Error ? error.message : 'Something went wrong' };
}
