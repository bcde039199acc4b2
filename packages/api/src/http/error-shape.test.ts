import { describe, expect, it } from 'vitest';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import { preTrpcError } from './error-shape';

describe('refusals made before tRPC runs', () => {
  it('carry the JSON-RPC code of their tRPC code, as tRPC’s own errors do (not -32600 for all)', () => {
    expect(JSON.parse(preTrpcError(403, 'FORBIDDEN', 'Cross-site request refused'))).toEqual({
      error: { message: 'Cross-site request refused', code: -32003, data: { code: 'FORBIDDEN', httpStatus: 403 } },
    });
    expect(JSON.parse(preTrpcError(413, 'PAYLOAD_TOO_LARGE', 'too big')).error.code).toBe(TRPC_ERROR_CODES_BY_KEY.PAYLOAD_TOO_LARGE);
  });
});
