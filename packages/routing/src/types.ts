/**
 * The solver's public model. Times are minutes from an origin the caller chooses (for a working day,
 * local midnight is natural); locations are indexes into the travel matrix.
 */

/** A closed interval of minutes. */
export interface TimeWindow {
  start: number;
  end: number;
}

/** A pro (or a truck): where the day starts and ends, when, and what it can do. */
export interface Vehicle {
  id: string;
  /** Location index where the day starts. */
  start: number;
  /** Location index where the day ends (often the same as `start`). */
  end: number;
  /** Leave `start` no earlier than `shift.start`; be back at `end` no later than `shift.end`. */
  shift: TimeWindow;
  skills?: string[];
  capacity?: number;
  /** A break of `duration` minutes that starts inside `window` (taken where the day has room; see README). */
  breakTime?: { window: TimeWindow; duration: number };
}

/** A visit to plan. */
export interface Stop {
  id: string;
  location: number;
  /** Service must start inside one of these (waiting before the window opens is allowed). */
  windows: TimeWindow[];
  /** Minutes on site. */
  service: number;
  /** Every one of these skills is needed on the vehicle. */
  skills?: string[];
  demand?: number;
  /** Only this vehicle may serve the stop. */
  pinnedVehicle?: string;
  /** Only these vehicles may serve the stop (e.g. the pros it is in reach and hours of); every vehicle when absent. */
  vehicles?: string[];
  /**
   * With `pinnedVehicle`: the stop stays in the order in which such stops are listed for that vehicle
   * (the solver inserts other stops around it but never moves or drops it while it remains feasible).
   */
  fixedOrder?: boolean;
}

export interface Problem {
  vehicles: Vehicle[];
  stops: Stop[];
  /** Minutes, `travel[from][to]`. */
  travel: number[][];
  /** The objective if given (e.g. km), else `travel`. Same shape as `travel`. */
  distance?: number[][];
}

export interface SolveOptions {
  /** Stop searching after this long (default 1000 ms). The best plan found so far is returned. */
  timeLimitMs?: number;
  /** Stop after this many improvement iterations (with no time limit given, the only limit). */
  maxIterations?: number;
  /** PRNG seed (default 1). */
  seed?: number;
  onProgress?(p: { elapsedMs: number; best: number; iterations: number }): void;
  /** Use at most this many vehicles (routes). */
  maxVehicles?: number;
}

export interface PlannedStop {
  stopId: string;
  arrival: number;
  wait: number;
  start: number;
  departure: number;
  /** Driving from the previous stop (or the vehicle's start). */
  driveMinutes: number;
}

export interface Route {
  vehicleId: string;
  stops: PlannedStop[];
  driveMinutes: number;
  distance: number;
  /** Leaves the start location at this time (the shift start). */
  start: number;
  /** Arrival back at the end location. */
  end: number;
  /** When the break is taken, if the vehicle has one. */
  break?: { start: number; end: number };
}

export type UnassignedReason = 'no-skills' | 'window-unreachable' | 'out-of-time' | 'capacity';

export interface Unassigned {
  stopId: string;
  reason: UnassignedReason;
  detail: string;
}

export interface Solution {
  routes: Route[];
  unassigned: Unassigned[];
  totals: { distance: number; driveMinutes: number; assigned: number };
  /** Search statistics. */
  stats: { iterations: number; elapsedMs: number };
}

export interface Insertion {
  /** Index in `stopIds` before which the stop goes (0 = first, `stopIds.length` = last). */
  position: number;
  addedDistance: number;
  addedMinutes: number;
  /** Earliest and latest service start for the new stop at that position that keep the route feasible. */
  fitsBetween: [number, number];
}
