import { describe, it, expect } from 'vitest';
import { SCORING_WEIGHTS, haversineMiles, isWithinRadius, rankOffers, scoreJob, type ScoredJob, type ScoringPro } from './index';
import { NOW, PRO, north, hoursFromNow, makeJob, lineFor, pointsFor } from './fixtures';

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
    expect(breakdown.map((line) => line.label)).toEqual(['+1000 scheduled', '+500 within 10 mi', '-25 for 5.0 mi', '+300 due within 24 h']);
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
