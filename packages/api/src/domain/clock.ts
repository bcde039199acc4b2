export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock frozen at one instant, for tests. */
export function fixedClock(at: Date | string): Clock {
  const instant = new Date(at);
  return { now: () => new Date(instant) };
}

/**
 * A clock that starts at `start` and runs forward at real speed: a whole app can be run "on
 * 2026-01-09" (H2S_NOW) while sessions still expire and events still order in time.
 */
export function shiftedClock(start: Date | string): Clock {
  const offset = new Date(start).getTime() - Date.now();
  return { now: () => new Date(Date.now() + offset) };
}

/** H2S_NOW (an ISO instant) starts the app's clock there; unset, the system clock. */
export function clockFromEnv(value = process.env.H2S_NOW): Clock {
  if (!value) return systemClock;
  if (Number.isNaN(new Date(value).getTime())) throw new Error(`H2S_NOW is not an ISO instant: ${value}`);
  return shiftedClock(value);
}
