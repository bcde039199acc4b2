export { EARTH_RADIUS_MILES, SCORING_WEIGHTS, compareOffers, haversineMiles, isWithinRadius, rankOffers, scoreJob } from './score';
export type { BreakdownLine, ComparableOffer, JobScore, RuleName, ScoredJob, ScoringPro } from './score';
