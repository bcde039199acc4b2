import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { compareOffers, isWithinRadius, rankOffers, scoreJob, type ComparableOffer, type ScoredJob, type ScoringPro } from './index';

const HOUR = 3_600_000;
const NOW = new Date('2025-06-02T12:00:00.000Z');
const NUM_RUNS = 150;

// Value pools are deliberately small so generated inputs collide on score, dueAt and
// createdAt often; otherwise the tie-breakers would almost never be exercised.
const hourOffsetArb = fc.oneof(fc.constantFrom(-48, -1, 0, 1, 23, 24, 47, 48, 72), fc.integer({ min: -200, max: 200 }));
const dueAtArb = fc.option(
  hourOffsetArb.map((h) => new Date(NOW.getTime() + h * HOUR)),
  { nil: null },
);
const createdAtArb = fc.integer({ min: 0, max: 5 }).map((d) => new Date(NOW.getTime() - d * 24 * HOUR));
// Short ids from a mixed-case alphabet make prefix and case-order cases likely.
const jobIdArb = fc.string({ unit: fc.constantFrom('a', 'b', 'B', 'Z', '1', '-'), minLength: 1, maxLength: 4 });
// Offsets up to ~1.5° (~100 mi) put jobs on both sides of the generated radius.
const offsetArb = fc.oneof(fc.constantFrom(0, 0.05, 0.1, 0.2), fc.double({ min: -1.5, max: 1.5, noNaN: true }));

const proArb: fc.Arbitrary<ScoringPro> = fc.record({
  lat: fc.double({ min: 25, max: 48, noNaN: true }),
  lng: fc.double({ min: -124, max: -67, noNaN: true }),
  serviceRadiusMiles: fc.oneof(fc.constantFrom(0, 10, 25, 50), fc.double({ min: 0, max: 120, noNaN: true })),
});

const jobAt = (pro: ScoringPro): fc.Arbitrary<Omit<ScoredJob, 'jobId'>> =>
  fc.record({
    status: fc.constantFrom('queued' as const, 'scheduled' as const),
    dueAt: dueAtArb,
    createdAt: createdAtArb,
    lat: offsetArb.map((d) => pro.lat + d),
    lng: offsetArb.map((d) => pro.lng + d),
  });

// Jobs are generated relative to the pro so a useful share of them is within radius.
const scenarioArb = proArb.chain((pro) =>
  fc
    .uniqueArray(fc.tuple(jobIdArb, jobAt(pro)), { selector: ([id]) => id, maxLength: 25 })
    .map((pairs) => ({ pro, jobs: pairs.map(([jobId, rest]): ScoredJob => ({ jobId, ...rest })) })),
);

const scenarioWithShuffleArb = scenarioArb.chain(({ pro, jobs }) =>
  fc.shuffledSubarray(jobs, { minLength: jobs.length, maxLength: jobs.length }).map((shuffled) => ({ pro, jobs, shuffled })),
);

// compareOffers only reads these fields; generating them directly with a tiny score
// range forces deep tie-breaker chains far more often than real scoring would.
const offerArb: fc.Arbitrary<ComparableOffer> = fc.record({
  jobId: jobIdArb,
  score: fc.integer({ min: 0, max: 3 }),
  dueAt: dueAtArb,
  createdAt: createdAtArb,
});

const ids = (offers: readonly { jobId: string }[]): string[] => offers.map((o) => o.jobId);

describe('rankOffers properties', () => {
  it('is deterministic: same input twice and shuffled input give the same order', () => {
    fc.assert(
      fc.property(scenarioWithShuffleArb, ({ pro, jobs, shuffled }) => {
        const first = ids(rankOffers(jobs, pro, NOW));
        expect(ids(rankOffers(jobs, pro, NOW))).toEqual(first);
        expect(ids(rankOffers(shuffled, pro, NOW))).toEqual(first);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('outputs scores in non-increasing order, strictly ordered by compareOffers', () => {
    fc.assert(
      fc.property(scenarioArb, ({ pro, jobs }) => {
        const ranked = rankOffers(jobs, pro, NOW);
        for (let i = 1; i < ranked.length; i++) {
          const prev = ranked[i - 1]!;
          const curr = ranked[i]!;
          expect(prev.score).toBeGreaterThanOrEqual(curr.score);
          expect(compareOffers(prev, curr)).toBeLessThan(0);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('offers exactly the within-radius jobs, each once, and never one outside the radius', () => {
    fc.assert(
      fc.property(scenarioArb, ({ pro, jobs }) => {
        const ranked = rankOffers(jobs, pro, NOW);
        for (const offer of ranked) {
          expect(isWithinRadius(offer, pro)).toBe(true);
          expect(offer.distanceMiles).toBeLessThanOrEqual(pro.serviceRadiusMiles);
        }
        const expected = jobs.filter((job) => isWithinRadius(job, pro)).map((job) => job.jobId);
        expect([...ids(ranked)].sort()).toEqual([...expected].sort());
        expect(new Set(ids(ranked)).size).toBe(ranked.length);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('keeps breakdowns summing to integer scores and leaves the input unmutated', () => {
    fc.assert(
      fc.property(scenarioArb, ({ pro, jobs }) => {
        const snapshot = structuredClone(jobs);
        const ranked = rankOffers(jobs, pro, NOW);
        expect(jobs).toEqual(snapshot);
        for (const offer of ranked) {
          expect(Number.isInteger(offer.score)).toBe(true);
          expect(offer.breakdown.reduce((sum, line) => sum + line.points, 0)).toBe(offer.score);
          const { jobId, status, dueAt, createdAt, lat, lng } = offer;
          expect(scoreJob({ jobId, status, dueAt, createdAt, lat, lng }, pro, NOW).score).toBe(offer.score);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('compareOffers is a total order', () => {
  it('is antisymmetric', () => {
    fc.assert(
      fc.property(offerArb, offerArb, (a, b) => {
        expect(Math.sign(compareOffers(a, b)) === -Math.sign(compareOffers(b, a))).toBe(true);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('is transitive', () => {
    fc.assert(
      fc.property(offerArb, offerArb, offerArb, (a, b, c) => {
        // Sorting the triple first means every run checks a chain, instead of mostly
        // vacuous cases where the premise a <= b <= c does not hold.
        const [x, y, z] = [a, b, c].sort(compareOffers) as [ComparableOffer, ComparableOffer, ComparableOffer];
        expect(compareOffers(x, y)).toBeLessThanOrEqual(0);
        expect(compareOffers(y, z)).toBeLessThanOrEqual(0);
        expect(compareOffers(x, z)).toBeLessThanOrEqual(0);
        if (compareOffers(x, y) < 0 || compareOffers(y, z) < 0) {
          expect(compareOffers(x, z)).toBeLessThan(0);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('is transitive on unsorted triples whenever the premise holds', () => {
    fc.assert(
      fc.property(offerArb, offerArb, offerArb, (a, b, c) => {
        fc.pre(compareOffers(a, b) <= 0 && compareOffers(b, c) <= 0);
        expect(compareOffers(a, c)).toBeLessThanOrEqual(0);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('never returns 0 for distinct jobIds', () => {
    fc.assert(
      fc.property(offerArb, offerArb, (a, b) => {
        fc.pre(a.jobId !== b.jobId);
        expect(compareOffers(a, b)).not.toBe(0);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('never returns 0 for distinct jobIds even when every other key ties', () => {
    fc.assert(
      fc.property(offerArb, jobIdArb, (a, otherId) => {
        fc.pre(a.jobId !== otherId);
        const b = { ...a, jobId: otherId };
        expect(compareOffers(a, b)).not.toBe(0);
        expect(Math.sign(compareOffers(a, b))).toBe(a.jobId < otherId ? -1 : 1);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
