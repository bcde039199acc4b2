/**
 * tRPC's error answer, built from its public pieces: the JSON-RPC code (`@trpc/server/rpc`), the HTTP
 * status (`getHTTPStatusCodeFromError`) and the app's own formatter (trpc.ts's `formatErrorShape`,
 * which the router uses too). node-trpc.test.ts compares these answers byte for byte with tRPC's own
 * handler's, for each error code, so a change in tRPC's default shape fails a test.
 */
import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { TRPC_ERROR_CODES_BY_KEY, type TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import { formatErrorShape } from '../trpc';

/** The `error` member of a tRPC error response for this error on this path. */
export function errorShape(error: TRPCError, path: string | undefined) {
  const data: { code: TRPC_ERROR_CODE_KEY; httpStatus: number; path?: string } = {
    code: error.code,
    httpStatus: getHTTPStatusCodeFromError(error),
  };
  if (path !== undefined) data.path = path;
  return formatErrorShape({ shape: { message: error.message, code: TRPC_ERROR_CODES_BY_KEY[error.code], data }, error });
}

/** A whole error response: its status and JSON body. */
export function errorResponse(error: TRPCError, path: string | undefined): { status: number; body: string } {
  return { status: getHTTPStatusCodeFromError(error), body: JSON.stringify({ error: errorShape(error, path) }) };
}

/**
 * A refusal made before tRPC runs (cross-site, too large), in tRPC's error shape with the JSON-RPC
 * code that goes with its tRPC code; both HTTP paths send it.
 */
export const preTrpcError = (status: number, code: TRPC_ERROR_CODE_KEY, message: string) =>
  JSON.stringify({ error: { message, code: TRPC_ERROR_CODES_BY_KEY[code], data: { code, httpStatus: status } } });
