/**
 * Every id the system mints: its prefix, its length and so its pattern and its Zod schema, in one
 * place. Routers, storage keys, pages and the schema's check constraints take them from here.
 * No Node built-ins, so browser code and page guards may import it too (`@h2s/db/ids`).
 */
import { z } from 'zod';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** The kinds of id, as `PREFIX-` plus this many RFC 4648 base32 characters. */
export const ID_FORMATS = {
  order: { prefix: 'ORD', length: 8 },
  job: { prefix: 'JOB', length: 8 },
  user: { prefix: 'USR', length: 10 },
  assignment: { prefix: 'ASG', length: 10 },
  upload: { prefix: 'UPL', length: 10 },
} as const;

export type IdKind = keyof typeof ID_FORMATS;

/** The pattern's source without anchors, e.g. `JOB-[A-Z2-7]{8}`, to embed in a larger pattern. */
export const idPatternSource = (kind: IdKind) => `${ID_FORMATS[kind].prefix}-[A-Z2-7]{${ID_FORMATS[kind].length}}`;

/** Anchored patterns, one per kind: `ID_PATTERNS.job.test('JOB-ABCDEFGH')`. */
export const ID_PATTERNS = Object.fromEntries(
  Object.keys(ID_FORMATS).map((kind) => [kind, new RegExp(`^${idPatternSource(kind as IdKind)}$`)]),
) as Record<IdKind, RegExp>;

export const isId = (kind: IdKind, value: unknown): value is string => typeof value === 'string' && ID_PATTERNS[kind].test(value);

/** A trimmed string of this kind; `message` is what a form shows for anything else. */
export const idSchema = (kind: IdKind, message: string) => z.string().trim().regex(ID_PATTERNS[kind], message);

export const orderIdSchema = idSchema('order', 'Not an order id');
export const jobIdSchema = idSchema('job', 'Not a job id');
export const proIdSchema = idSchema('user', 'Not a pro id');
export const uploadIdSchema = idSchema('upload', 'Not a photo id');

/** `PREFIX-` followed by `length` random base32 characters (5 bits of each random byte, unbiased). */
export function newId(prefix: string, length = 8): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = '';
  for (const byte of bytes) out += BASE32[byte & 31];
  return `${prefix}-${out}`;
}

const mint = (kind: IdKind) => () => newId(ID_FORMATS[kind].prefix, ID_FORMATS[kind].length);

export const newOrderId = mint('order');
export const newJobId = mint('job');
export const newUserId = mint('user');
export const newAssignmentId = mint('assignment');
export const newUploadId = mint('upload');
export const newRefundId = () => newId('REF', 10);
