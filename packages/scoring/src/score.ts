/**
 * Priority scoring for dispatch offers.
 *
 * Pure by design: no I/O and no clock (callers pass `now`), so the same inputs
 * always yield the same scores and order — the API, workers and tests can all
 * rank offers identically.
 */

export type RuleName = 'status' | 'distanceBand' | 'distancePenalty' | 'urgency';

export interface ScoredJob {
  jobId: string;
  status: 'queued' | 'scheduled';
  dueAt: Date | null;
  createdAt: Date;
  lat: number;
  lng: number;
}

export interface ScoringPro {
  lat: number;
  lng: number;
  serviceRadiusMiles: number;
}

export interface BreakdownLine {
  rule: RuleName;
  /** Integer points this rule contributed; the lines of a breakdown sum exactly to the score. */
  points: number;
  /** Human-readable explanation shown to pros/dispatchers, e.g. "+500 within 10 mi". */
  label: string;
}

export interface JobScore {
  /** Integer total; always equal to the sum of `breakdown[].points`. */
  score: number;
  /** Great-circle distance from the pro, rounded to 0.1 mi. */
  distanceMiles: number;
  /** Only rules that contributed non-zero points appear here. */
  breakdown: BreakdownLine[];
}

/** Mean earth radius used by {@link haversineMiles}. */
export const EARTH_RADIUS_MILES = 3958.8;

/**
 * Every weight and threshold used by {@link scoreJob}, in one place so tuning
 * the dispatch policy never means hunting through code.
 *
 * All distance thresholds are compared against the distance *after* rounding
 * to 0.1 mi, so what the breakdown displays is exactly what was scored.
 */
export const SCORING_WEIGHTS = {
  /** Points for a job with a booked slot: a customer is already waiting on a confirmed visit. */
  scheduledPoints: 1000,
  /** Points for a job still waiting to be booked. */
  queuedPoints: 500,
  /** A job strictly closer than this many miles earns {@link SCORING_WEIGHTS.nearBandPoints}. */
  nearBandMiles: 10,
  /** Bonus for jobs inside the near band. */
  nearBandPoints: 500,
  /** A job strictly closer than this (but not in the near band) earns {@link SCORING_WEIGHTS.midBandPoints}. */
  midBandMiles: 25,
  /** Bonus for jobs inside the mid band. */
  midBandPoints: 200,
  /**
   * Points subtracted per mile of (0.1 mi rounded) distance. Applied continuously on
   * top of the bands so that two jobs in the same band still prefer the closer one.
   * The product is rounded half-up to an integer so scores stay integral.
   */
  penaltyPointsPerMile: 5,
  /** A job due strictly sooner than this many hours from `now` earns {@link SCORING_WEIGHTS.urgentPoints}. */
  urgentWithinHours: 24,
  /** Bonus for jobs due within the urgent window. */
  urgentPoints: 300,
  /** A job due strictly sooner than this (but not urgent) earns {@link SCORING_WEIGHTS.soonPoints}. */
  soonWithinHours: 48,
  /** Bonus for jobs due within the "soon" window. */
  soonPoints: 100,
  /**
   * Bonus for a job whose due time is at or before `now`. It matches the urgent bonus
   * rather than dropping to zero: a missed deadline is at least as pressing as an
   * imminent one, and it must never rank below a job that is merely due soon.
   */
  overduePoints: 300,
} as const;

const MS_PER_HOUR = 3_600_000;

const toRadians = (degrees: number): number => (degrees * Math.PI) / 180;

/** Great-circle distance in miles (unrounded). */
export function haversineMiles(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const dLat = toRadians(b.lat - a.lat);
  const dLng = toRadians(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(toRadians(a.lat)) * Math.cos(toRadians(b.lat)) * Math.sin(dLng / 2) ** 2;
  // Clamp guards against floating-point drift just above 1 for near-antipodal points.
  return 2 * EARTH_RADIUS_MILES * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * Distance in whole tenths of a mile. Integer tenths keep the penalty arithmetic exact
 * (no 5 * 5.3 = 26.499999… surprises) and make every rule see the displayed distance.
 */
function distanceTenths(job: { lat: number; lng: number }, pro: { lat: number; lng: number }): number {
  return Math.round(haversineMiles(job, pro) * 10);
}

function withinRadiusTenths(tenths: number, pro: ScoringPro): boolean {
  // Written as `<=` (not `!(>)`) so a NaN radius offers nothing instead of everything.
  return tenths / 10 <= pro.serviceRadiusMiles;
}

/**
 * Whether the pro can be offered this job. Uses the same 0.1 mi rounded distance as
 * the score, so a job shown as "25.0 mi" is offered to a pro with a 25 mi radius.
 */
export function isWithinRadius(job: Pick<ScoredJob, 'lat' | 'lng'>, pro: ScoringPro): boolean {
  return withinRadiusTenths(distanceTenths(job, pro), pro);
}

const isValidDate = (value: Date): boolean => value instanceof Date && !Number.isNaN(value.getTime());

function assertValidDate(value: Date, name: string): void {
  if (!isValidDate(value)) {
    throw new RangeError(`${name} must be a valid Date`);
  }
}

function assertFiniteCoords(point: { lat: number; lng: number }, name: string): void {
  if (!Number.isFinite(point.lat) || !Number.isFinite(point.lng)) {
    throw new RangeError(`${name} must have finite lat/lng`);
  }
}

// Invalid dates would make comparisons return false both ways and silently break the
// total order, so they are rejected up front rather than scored.
function assertValidInputs(job: ScoredJob, pro: { lat: number; lng: number }, now: Date): void {
  assertValidDate(now, 'now');
  assertValidJob(job);
  assertFiniteCoords(pro, 'pro');
}

function assertValidJob(job: ScoredJob): void {
  // The names are built only for the error: this runs once per offer.
  if (!isValidDate(job.createdAt)) assertValidDate(job.createdAt, `job ${job.jobId} createdAt`);
  if (job.dueAt !== null && !isValidDate(job.dueAt)) assertValidDate(job.dueAt, `job ${job.jobId} dueAt`);
  if (!Number.isFinite(job.lat) || !Number.isFinite(job.lng)) assertFiniteCoords(job, `job ${job.jobId}`);
}

function formatPoints(points: number): string {
  return points >= 0 ? `+${points}` : `${points}`;
}

function statusLine(status: ScoredJob['status']): BreakdownLine {
  const points = status === 'scheduled' ? SCORING_WEIGHTS.scheduledPoints : SCORING_WEIGHTS.queuedPoints;
  return { rule: 'status', points, label: `${formatPoints(points)} ${status}` };
}

function distanceBandLine(tenths: number): BreakdownLine | null {
  const w = SCORING_WEIGHTS;
  // Compare in tenths so the thresholds agree exactly with the displayed distance.
  if (tenths < w.nearBandMiles * 10) {
    return { rule: 'distanceBand', points: w.nearBandPoints, label: `+${w.nearBandPoints} within ${w.nearBandMiles} mi` };
  }
  if (tenths < w.midBandMiles * 10) {
    return { rule: 'distanceBand', points: w.midBandPoints, label: `+${w.midBandPoints} within ${w.midBandMiles} mi` };
  }
  return null;
}

function distancePenaltyLine(tenths: number): BreakdownLine | null {
  // tenths * perMile is an integer, so dividing by 10 lands exactly on any .5 and
  // Math.round rounds it half-up deterministically.
  const penalty = Math.round((tenths * SCORING_WEIGHTS.penaltyPointsPerMile) / 10);
  if (penalty === 0) return null;
  return { rule: 'distancePenalty', points: -penalty, label: `-${penalty} for ${(tenths / 10).toFixed(1)} mi` };
}

function urgencyLine(dueAt: Date | null, now: Date): BreakdownLine | null {
  if (dueAt === null) return null;
  const w = SCORING_WEIGHTS;
  const msUntilDue = dueAt.getTime() - now.getTime();
  if (msUntilDue <= 0) {
    return { rule: 'urgency', points: w.overduePoints, label: `+${w.overduePoints} overdue` };
  }
  if (msUntilDue < w.urgentWithinHours * MS_PER_HOUR) {
    return { rule: 'urgency', points: w.urgentPoints, label: `+${w.urgentPoints} due within ${w.urgentWithinHours} h` };
  }
  if (msUntilDue < w.soonWithinHours * MS_PER_HOUR) {
    return { rule: 'urgency', points: w.soonPoints, label: `+${w.soonPoints} due within ${w.soonWithinHours} h` };
  }
  return null;
}

function scoreFromTenths(job: ScoredJob, tenths: number, now: Date): JobScore {
  // Built line by line (no intermediate arrays): this runs once per offer on every offers.list.
  const breakdown: BreakdownLine[] = [statusLine(job.status)];
  const band = distanceBandLine(tenths);
  if (band) breakdown.push(band);
  const penalty = distancePenaltyLine(tenths);
  if (penalty) breakdown.push(penalty);
  const urgency = urgencyLine(job.dueAt, now);
  if (urgency) breakdown.push(urgency);
  // Derived from the lines rather than computed separately so the two can never disagree.
  let score = 0;
  for (const line of breakdown) score += line.points;
  return { score, distanceMiles: tenths / 10, breakdown };
}

/**
 * Scores one job for one pro at time `now`. Does not check the service radius —
 * use {@link isWithinRadius} or {@link rankOffers} for that.
 *
 * @throws RangeError on invalid dates or non-finite coordinates.
 */
export function scoreJob(job: ScoredJob, pro: ScoringPro, now: Date): JobScore {
  assertValidInputs(job, pro, now);
  return scoreFromTenths(job, distanceTenths(job, pro), now);
}

/** Fields {@link compareOffers} reads; everything it needs for a total order. */
export type ComparableOffer = Pick<ScoredJob, 'jobId' | 'dueAt' | 'createdAt'> & Pick<JobScore, 'score'>;

function compareNumbers(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The total order used by {@link rankOffers}; negative means `a` is offered first.
 * Keys: score descending, then earlier `dueAt` (no due date last), then earlier
 * `createdAt` (first come, first served), then `jobId` ascending by UTF-16 code
 * units — not `localeCompare`, whose result varies with runtime ICU data.
 * Returns 0 only when every key is equal, so distinct jobIds never tie.
 */
export function compareOffers(a: ComparableOffer, b: ComparableOffer): number {
  if (a.score !== b.score) return a.score > b.score ? -1 : 1;
  if (a.dueAt === null || b.dueAt === null) {
    if (a.dueAt !== b.dueAt) return a.dueAt === null ? 1 : -1;
  } else {
    const byDue = compareNumbers(a.dueAt.getTime(), b.dueAt.getTime());
    if (byDue !== 0) return byDue;
  }
  const byCreated = compareNumbers(a.createdAt.getTime(), b.createdAt.getTime());
  if (byCreated !== 0) return byCreated;
  return a.jobId < b.jobId ? -1 : a.jobId > b.jobId ? 1 : 0;
}

/**
 * Jobs the pro may be offered, best first, each merged with its {@link JobScore}.
 * Jobs outside the service radius are dropped. The input array and its elements are
 * not mutated; results are fresh shallow copies (own enumerable properties only).
 *
 * @throws RangeError on invalid dates or non-finite coordinates in any job.
 */
export function rankOffers<T extends ScoredJob>(jobs: readonly T[], pro: ScoringPro, now: Date): Array<T & JobScore> {
  const offers: Array<T & JobScore> = [];
  for (const [index, job] of jobs.entries()) {
    // The same checks, in the same order, as scoreJob's; `now` and the pro need checking only once.
    if (index === 0) assertValidInputs(job, pro, now);
    else assertValidJob(job);
    const tenths = distanceTenths(job, pro);
    if (!withinRadiusTenths(tenths, pro)) continue;
    // Object.assign, not spread: the same shallow copy, and many times faster where spread is transpiled (tsx).
    offers.push(Object.assign({}, job, scoreFromTenths(job, tenths, now)));
  }
  return offers.sort(compareOffers);
}
