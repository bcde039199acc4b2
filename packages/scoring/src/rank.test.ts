import { describe, it, expect } from 'vitest';
import { compareOffers, rankOffers, scoreJob, type ScoredJob, type ScoringPro } from './index';
import { NOW, PRO, north, hoursFromNow, makeJob } from './fixtures';

describe('rankOffers', () => {
  it('ranks A (scheduled, due 2 h, 5 mi), C (scheduled, due 48 h, 10 mi), B (queued, no due, 50 mi)', () => {
    const pro: ScoringPro = { ...PRO, serviceRadiusMiles: 100 };
    const a = makeJob({ jobId: 'A', status: 'scheduled', dueAt: hoursFromNow(2), ...north(5, pro) });
    const b = makeJob({ jobId: 'B', status: 'queued', dueAt: null, ...north(50, pro) });
    const c = makeJob({ jobId: 'C', status: 'scheduled', dueAt: hoursFromNow(48), ...north(10, pro) });

    for (const input of [
      [a, b, c],
      [b, c, a],
      [c, b, a],
    ]) {
      const ranked = rankOffers(input, pro, NOW);
      expect(ranked.map((o) => o.jobId)).toEqual(['A', 'C', 'B']);
      const [first, second, third] = ranked;
      expect(first!.score).toBeGreaterThan(second!.score);
      expect(second!.score).toBeGreaterThan(third!.score);
    }
  });

  it('returns jobs merged with their score and leaves the input untouched', () => {
    const jobs = [makeJob({ jobId: 'x', miles: 30 }), makeJob({ jobId: 'y', status: 'scheduled', miles: 3 })];
    const snapshot = structuredClone(jobs);
    const ranked = rankOffers(jobs, PRO, NOW);
    expect(jobs).toEqual(snapshot);
    expect(ranked.map((o) => o.jobId)).toEqual(['y', 'x']);
    expect(ranked[0]).toEqual({ ...jobs[1], ...scoreJob(jobs[1]!, PRO, NOW) });
    expect(ranked[0]).not.toBe(jobs[1]);
  });

  it('preserves extra fields of the caller’s job type', () => {
    const jobs = [{ ...makeJob(), customerName: 'Ada' }];
    const [offer] = rankOffers(jobs, PRO, NOW);
    expect(offer?.customerName).toBe('Ada');
  });

  it('rejects invalid dates instead of producing an inconsistent order', () => {
    expect(() => rankOffers([makeJob({ dueAt: new Date(Number.NaN) })], PRO, NOW)).toThrow(RangeError);
    expect(() => scoreJob(makeJob(), PRO, new Date(Number.NaN))).toThrow(RangeError);
    expect(() => scoreJob(makeJob({ lat: Number.NaN }), PRO, NOW)).toThrow(RangeError);
  });
});

describe('tie-breakers', () => {
  // Same place and status, and no due date inside the urgency windows, so scores tie
  // and only the tie-breaker under test can decide the order.
  const tied = (overrides: Partial<ScoredJob>): ScoredJob => makeJob({ miles: 5, status: 'scheduled', ...overrides });
  const ids = (jobs: ScoredJob[]): string[] => rankOffers(jobs, PRO, NOW).map((o) => o.jobId);

  it('tie-breaker: equal scores rank the earlier dueAt first', () => {
    const later = tied({ jobId: 'a-later', dueAt: hoursFromNow(96) });
    const earlier = tied({ jobId: 'b-earlier', dueAt: hoursFromNow(72) });
    expect(scoreJob(later, PRO, NOW).score).toBe(scoreJob(earlier, PRO, NOW).score);
    expect(ids([later, earlier])).toEqual(['b-earlier', 'a-later']);
  });

  it('tie-breaker: equal scores rank a job without dueAt after any job with one', () => {
    const none = tied({ jobId: 'a-none', dueAt: null, createdAt: hoursFromNow(-500) });
    const dated = tied({ jobId: 'b-dated', dueAt: hoursFromNow(1000), createdAt: hoursFromNow(-1) });
    expect(scoreJob(none, PRO, NOW).score).toBe(scoreJob(dated, PRO, NOW).score);
    expect(ids([none, dated])).toEqual(['b-dated', 'a-none']);
  });

  it('tie-breaker: equal scores and dueAt rank the earlier createdAt first', () => {
    const newer = tied({ jobId: 'a-newer', dueAt: null, createdAt: hoursFromNow(-1) });
    const older = tied({ jobId: 'b-older', dueAt: null, createdAt: hoursFromNow(-2) });
    expect(ids([newer, older])).toEqual(['b-older', 'a-newer']);
  });

  it('tie-breaker: otherwise jobId ascending by plain string compare, not locale order', () => {
    const lower = tied({ jobId: 'alpha' });
    const upper = tied({ jobId: 'Zulu' });
    // localeCompare would put "alpha" first; code-unit order puts "Z" (0x5A) before "a" (0x61).
    expect('alpha'.localeCompare('Zulu')).toBeLessThan(0);
    expect(ids([lower, upper])).toEqual(['Zulu', 'alpha']);
  });

  it('compareOffers is 0 only for identical keys and antisymmetric otherwise', () => {
    const a = { ...tied({ jobId: 'a' }), score: 10 };
    const b = { ...tied({ jobId: 'b' }), score: 10 };
    expect(compareOffers(a, { ...a })).toBe(0);
    expect(compareOffers(a, b)).toBeLessThan(0);
    expect(compareOffers(b, a)).toBeGreaterThan(0);
    expect(compareOffers({ ...b, score: 11 }, a)).toBeLessThan(0);
  });
});
