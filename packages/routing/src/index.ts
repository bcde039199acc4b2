export { solve, DEFAULT_TIME_LIMIT_MS } from './solve';
export { bestInsertion } from './insertion';
export { verify } from './verify';
export type {
  Insertion,
  PlannedStop,
  Problem,
  Route,
  Solution,
  SolveOptions,
  Stop,
  TimeWindow,
  Unassigned,
  UnassignedReason,
  Vehicle,
} from './types';
export type { Point, TravelTimes } from './travel/types';
export { estimatedTravelTimes, estimatedTrip, greatCircleKm, DEFAULT_CIRCUITY, DEFAULT_SPEED_BANDS } from './travel/estimate';
export type { EstimateOptions } from './travel/estimate';
export { osrmTravelTimes } from './travel/osrm';
export type { OsrmOptions } from './travel/osrm';
export { cachedTravelTimes } from './travel/cache';
export { mulberry32 } from './random';
