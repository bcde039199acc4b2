import { describe, expect, it } from 'vitest';
import { setSecurityHeaders } from './hooks';

describe('setSecurityHeaders', () => {
  it('forbids sniffing, framing and cross-site referrers', () => {
    const headers = new Headers();
    setSecurityHeaders(headers);
    expect(Object.fromEntries(headers)).toEqual({
      'referrer-policy': 'same-origin',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
    });
  });
});
