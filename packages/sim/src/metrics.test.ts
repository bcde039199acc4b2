import { describe, expect, it } from 'vitest';
import { gini, percentile } from './metrics';

describe('dispatch figures', () => {
  it('Gini is 0 when every pro has the same work and grows as one pro takes it all', () => {
    expect(gini([3, 3, 3, 3])).toBe(0);
    expect(gini([0, 0, 0, 12])).toBeCloseTo(0.75);
    expect(gini([])).toBe(0);
  });

  it('percentiles interpolate between the nearest ranks', () => {
    expect(percentile([10, 20, 30, 40, 50], 50)).toBe(30);
    expect(percentile([10, 20, 30, 40, 50], 90)).toBe(46);
    expect(percentile([], 50)).toBeNull();
  });
});
