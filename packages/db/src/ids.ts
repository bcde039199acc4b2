import { randomBytes } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** `PREFIX-` followed by `length` random RFC 4648 base32 characters (5 bits each, unbiased). */
export function newId(prefix: string, length = 8): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += BASE32[byte & 31];
  return `${prefix}-${out}`;
}

export const newOrderId = () => newId('ORD', 8);
export const newJobId = () => newId('JOB', 8);
export const newUserId = () => newId('USR', 10);
export const newAssignmentId = () => newId('ASG', 10);
export const newUploadId = () => newId('UPL', 10);
export const newRefundId = () => newId('REF', 10);
