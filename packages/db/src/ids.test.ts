import { describe, expect, it } from 'vitest';
import { ID_PATTERNS, isId, jobIdSchema, newJobId, newOrderId, newUploadId, newUserId, proIdSchema } from './ids';

describe('ids', () => {
  it('mints ids that match their own pattern', () => {
    for (let i = 0; i < 200; i++) {
      expect(newJobId()).toMatch(ID_PATTERNS.job);
      expect(newOrderId()).toMatch(ID_PATTERNS.order);
      expect(newUserId()).toMatch(ID_PATTERNS.user);
      expect(newUploadId()).toMatch(ID_PATTERNS.upload);
    }
  });

  it('refuses ids of another kind, length or alphabet', () => {
    expect(isId('job', 'JOB-ABCDEFGH')).toBe(true);
    expect(isId('job', 'ORD-ABCDEFGH')).toBe(false);
    expect(isId('job', 'JOB-ABCDEFG')).toBe(false);
    expect(isId('job', 'JOB-ABCDEFG1')).toBe(false);
    expect(isId('job', 'JOB-ABCDEFGH/../x')).toBe(false);
  });

  it('parses trimmed input and names the field in its message', () => {
    expect(jobIdSchema.parse('  JOB-ABCDEFGH ')).toBe('JOB-ABCDEFGH');
    expect(proIdSchema.safeParse('USR-SHORT').error?.issues[0]?.message).toBe('Not a pro id');
  });
});
