import { describe, it, expect } from 'vitest';
import {
  SCORING_WEIGHTS,
  compareOffers,
  haversineMiles,
  isWithinRadius,
  rankOffers,
  scoreJob,
  type BreakdownLine,
  type RuleName,
  type ScoredJob,
  type ScoringPro,
} from './index';

const HOUR = 3_600_000;
// Approximation from the brief; with a 3958.8 mi earth radius one degree is ~69.094 mi,
// so placing jobs with 69.09 lands them a hair beyond the nominal mile mark.
const MILES_PER_DEGREE_LAT = 69.09;

const NOW = new Date('2025-06-02T12:00:00.000Z');
const PRO: ScoringPro = { lat: 41.8858, lng: -87.6181, serviceRadiusMiles: 100 };

function north(miles: number, pro: ScoringPro = PRO): { lat: number; lng: number } {
  return { lat: pro.lat + miles / MILES_PER_DEGREE_LAT, lng: pro.lng };
}

function hoursFromNow(hours: number): Date {
  return new Date(NOW.getTime() + hours * HOUR);
}

function makeJob(overrides: Partial<ScoredJob> & { miles?: number } = {}): ScoredJob {
  const { miles = 5, ...rest } = overrides;
  return {
    jobId: 'job-1',
    status: 'queued',
    dueAt: null,
    createdAt: hoursFromNow(-24),
    ...north(miles),
    ...rest,
  };
}

function lineFor(breakdown: readonly BreakdownLine[], rule: RuleName): BreakdownLine | undefined {
  return breakdown.find((line) => line.rule === rule);
}

function pointsFor(job: ScoredJob, rule: RuleName): number | undefined {
  return lineFor(scoreJob(job, PRO, NOW).breakdown, rule)?.points;
}

describe('SCORING_WEIGHTS', () => {
  // Pinned so a weight change is a deliberate, reviewed edit of this test too.
  it('matches the documented dispatch policy', () => {
    expect(SCORING_WEIGHTS).toEqual({
      scheduledPoints: 1000,
      queuedPoints: 500,
      nearBandMiles: 10,
      nearBandPoints: 500,
      midBandMiles: 25,
      midBandPoints: 200,
      penaltyPointsPerMile: 5,
      urgentWithinHours: 24,
      urgentPoints: 300,
      soonWithinHours: 48,
      soonPoints: 100,
      overduePoints: 300,
    });
  });
});

describe('haversineMiles', () => {
  it('measures Chicago to Milwaukee as about 81 mi', () => {
    const miles = haversineMiles({ lat: 41.8858, lng: -87.6181 }, { lat: 43.0389, lng: -87.9065 });
    expect(Math.abs(miles - 81)).toBeLessThan(1);
  });

  it('is symmetric and zero for the same point', () => {
    const a = { lat: 41.8858, lng: -87.6181 };
    const b = { lat: 43.0389, lng: -87.9065 };
    expect(haversineMiles(a, b)).toBeCloseTo(haversineMiles(b, a), 9);
    expect(haversineMiles(a, a)).toBe(0);
  });
});

describe('rule: status', () => {
  it('status scheduled earns +1000', () => {
    const line = lineFor(scoreJob(makeJob({ status: 'scheduled' }), PRO, NOW).breakdown, 'status');
    expect(line).toEqual({ rule: 'status', points: 1000, label: '+1000 scheduled' });
  });

  it('status queued earns +500', () => {
    const line = lineFor(scoreJob(makeJob({ status: 'queued' }), PRO, NOW).breakdown, 'status');
    expect(line).toEqual({ rule: 'status', points: 500, label: '+500 queued' });
  });
});

describe('rule: distanceBand', () => {
  it('distance band under 10 mi earns +500', () => {
    const job = makeJob({ miles: 9 });
    expect(scoreJob(job, PRO, NOW).distanceMiles).toBeLessThan(10);
    expect(pointsFor(job, 'distanceBand')).toBe(500);
  });

  it('distance band 10 to under 25 mi earns +200, starting exactly at 10.0 mi', () => {
    const atTen = makeJob({ miles: 10 });
    expect(scoreJob(atTen, PRO, NOW).distanceMiles).toBe(10);
    expect(pointsFor(atTen, 'distanceBand')).toBe(200);
    expect(pointsFor(makeJob({ miles: 24 }), 'distanceBand')).toBe(200);
  });

  it('distance band at 25 mi and beyond earns nothing', () => {
    const atTwentyFive = makeJob({ miles: 25 });
    expect(scoreJob(atTwentyFive, PRO, NOW).distanceMiles).toBe(25);
    expect(pointsFor(atTwentyFive, 'distanceBand')).toBeUndefined();
    expect(pointsFor(makeJob({ miles: 60 }), 'distanceBand')).toBeUndefined();
  });
});

describe('rule: distancePenalty', () => {
  it('per-mile penalty subtracts 5 points per mile of rounded distance', () => {
    const result = scoreJob(makeJob({ miles: 5 }), PRO, NOW);
    expect(result.distanceMiles).toBe(5);
    expect(lineFor(result.breakdown, 'distancePenalty')).toEqual({
      rule: 'distancePenalty',
      points: -25,
      label: '-25 for 5.0 mi',
    });
  });

  it('per-mile penalty is continuous within a band and rounds half-up to whole points', () => {
    const cases = [
      { miles: 5.1, penalty: -26 }, // 25.5 rounds up
      { miles: 5.2, penalty: -26 },
      { miles: 5.3, penalty: -27 }, // 26.5 rounds up
      { miles: 40, penalty: -200 },
    ];
    for (const { miles, penalty } of cases) {
      const result = scoreJob(makeJob({ miles }), PRO, NOW);
      expect(result.distanceMiles).toBeCloseTo(miles, 10);
      expect(lineFor(result.breakdown, 'distancePenalty')?.points).toBe(penalty);
    }
  });

  it('per-mile penalty is omitted for a job at the pro location', () => {
    const result = scoreJob(makeJob({ miles: 0 }), PRO, NOW);
    expect(result.distanceMiles).toBe(0);
    expect(lineFor(result.breakdown, 'distancePenalty')).toBeUndefined();
  });

  it('rounds distanceMiles to 0.1 mi', () => {
    const job = makeJob({ ...north(7.3456), miles: undefined });
    const raw = haversineMiles(job, PRO);
    const { distanceMiles } = scoreJob(job, PRO, NOW);
    expect(distanceMiles).toBe(Math.round(raw * 10) / 10);
    expect(Math.abs(distanceMiles - raw)).toBeLessThanOrEqual(0.05);
  });
});

describe('rule: urgency', () => {
  it('urgency band under 24 h earns +300', () => {
    expect(pointsFor(makeJob({ dueAt: hoursFromNow(2) }), 'urgency')).toBe(300);
    expect(pointsFor(makeJob({ dueAt: new Date(hoursFromNow(24).getTime() - 1) }), 'urgency')).toBe(300);
  });

  it('urgency band 24 h to under 48 h earns +100, starting exactly at 24 h', () => {
    expect(pointsFor(makeJob({ dueAt: hoursFromNow(24) }), 'urgency')).toBe(100);
    expect(pointsFor(makeJob({ dueAt: hoursFromNow(47) }), 'urgency')).toBe(100);
  });

  it('urgency earns nothing when due 48 h or later', () => {
    expect(pointsFor(makeJob({ dueAt: hoursFromNow(48) }), 'urgency')).toBeUndefined();
    expect(pointsFor(makeJob({ dueAt: hoursFromNow(200) }), 'urgency')).toBeUndefined();
  });

  it('urgency earns nothing without a due date', () => {
    expect(pointsFor(makeJob({ dueAt: null }), 'urgency')).toBeUndefined();
  });

  it('overdue jobs (dueAt at or before now) earn the urgent +300', () => {
    const overdue = lineFor(scoreJob(makeJob({ dueAt: hoursFromNow(-5) }), PRO, NOW).breakdown, 'urgency');
    expect(overdue).toEqual({ rule: 'urgency', points: 300, label: '+300 overdue' });
    expect(pointsFor(makeJob({ dueAt: NOW }), 'urgency')).toBe(300);
  });

  it('an overdue job never ranks below an otherwise identical job that is merely due soon', () => {
    const overdue = makeJob({ jobId: 'overdue', dueAt: hoursFromNow(-100) });
    const soon = makeJob({ jobId: 'soon', dueAt: hoursFromNow(30) });
    expect(rankOffers([soon, overdue], PRO, NOW).map((o) => o.jobId)).toEqual(['overdue', 'soon']);
  });
});

describe('rule: service radius', () => {
  const pro: ScoringPro = { ...PRO, serviceRadiusMiles: 20 };

  it('radius exclusion: jobs beyond the service radius are not offered', () => {
    const far = makeJob({ jobId: 'far', ...north(30, pro) });
    const near = makeJob({ jobId: 'near', ...north(5, pro) });
    expect(isWithinRadius(far, pro)).toBe(false);
    expect(isWithinRadius(near, pro)).toBe(true);
    expect(rankOffers([far, near], pro, NOW).map((o) => o.jobId)).toEqual(['near']);
  });

  it('radius exclusion is inclusive at exactly the radius (on the 0.1 mi rounded distance)', () => {
    const edge = makeJob({ jobId: 'edge', ...north(20, pro) });
    expect(scoreJob(edge, pro, NOW).distanceMiles).toBe(20);
    expect(rankOffers([edge], pro, NOW).map((o) => o.jobId)).toEqual(['edge']);
  });

  it('a NaN radius offers nothing rather than everything', () => {
    expect(isWithinRadius(makeJob({ miles: 0 }), { ...PRO, serviceRadiusMiles: Number.NaN })).toBe(false);
  });
});

describe('breakdown', () => {
  const jobs: ScoredJob[] = [
    makeJob({ status: 'scheduled', dueAt: hoursFromNow(2), miles: 5 }),
    makeJob({ status: 'queued', dueAt: hoursFromNow(30), miles: 12.3 }),
    makeJob({ status: 'queued', dueAt: null, miles: 80 }),
    makeJob({ status: 'scheduled', dueAt: hoursFromNow(-3), miles: 0 }),
  ];

  it('breakdown points sum exactly to the score, and every score is an integer', () => {
    for (const job of jobs) {
      const { score, breakdown } = scoreJob(job, PRO, NOW);
      expect(Number.isInteger(score)).toBe(true);
      expect(breakdown.reduce((sum, line) => sum + line.points, 0)).toBe(score);
    }
  });

  it('labels are readable: signed points followed by the reason', () => {
    const { score, breakdown } = scoreJob(makeJob({ status: 'scheduled', dueAt: hoursFromNow(2), miles: 5 }), PRO, NOW);
    expect(breakdown.map((line) => line.label)).toEqual([
      '+1000 scheduled',
      '+500 within 10 mi',
      '-25 for 5.0 mi',
      '+300 due within 24 h',
    ]);
    expect(score).toBe(1775);
    expect(scoreJob(makeJob({ dueAt: hoursFromNow(30), miles: 12 }), PRO, NOW).breakdown.map((l) => l.label)).toEqual([
      '+500 queued',
      '+200 within 25 mi',
      '-60 for 12.0 mi',
      '+100 due within 48 h',
    ]);
    for (const job of jobs) {
      for (const { label } of scoreJob(job, PRO, NOW).breakdown) {
        expect(label).toMatch(/^[+-]\d+ \S/);
      }
    }
  });
});

describe('rankOffers', () => {
  it('ranks A (scheduled, due 2 h, 5 mi), C (scheduled, due 48 h, 10 mi), B (queued, no due, 50 mi)', () => {
    const pro: ScoringPro = { ...PRO, serviceRadiusMiles: 100 };
    const a = makeJob({ jobId: 'A', status: 'scheduled', dueAt: hoursFromNow(2), ...north(5, pro) });
    const b = makeJob({ jobId: 'B', status: 'queued', dueAt: null, ...north(50, pro) });
    const c = makeJob({ jobId: 'C', status: 'scheduled', dueAt: hoursFromNow(48), ...north(10, pro) });

    for (const input of [[a, b, c], [b, c, a], [c, b, a]]) {
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
