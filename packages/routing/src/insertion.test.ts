import { describe, expect, it } from 'vitest';
import { plane } from './fixtures';
import { bestInsertion } from './insertion';
import type { Problem } from './types';

/** One pro at home (0,0); stops on a line at 10, 20, 30 and one off to the side. */
function day(): Problem {
  return {
    vehicles: [{ id: 'ann', start: 0, end: 0, shift: { start: 480, end: 720 }, skills: ['tv'] }],
    stops: [
      { id: 'a', location: 1, windows: [{ start: 480, end: 720 }], service: 30 },
      { id: 'c', location: 3, windows: [{ start: 480, end: 720 }], service: 30 },
      { id: 'b', location: 2, windows: [{ start: 480, end: 720 }], service: 30 },
      { id: 'late', location: 2, windows: [{ start: 700, end: 710 }], service: 30 },
      { id: 'wall', location: 2, windows: [{ start: 480, end: 720 }], service: 30, skills: ['wall'] },
    ],
    travel: plane([
      [0, 0],
      [10, 0],
      [20, 0],
      [30, 0],
    ]),
  };
}

describe('bestInsertion', () => {
  it('finds the cheapest place, what it adds and when the stop can start', () => {
    const ins = bestInsertion(day(), { vehicleId: 'ann', stopIds: ['a', 'c'] }, 'b');
    expect(ins).not.toBeNull();
    expect(ins!.position).toBe(1); // between a and c: on the way, adds nothing
    expect(ins!.addedDistance).toBeCloseTo(0);
    expect(ins!.addedMinutes).toBeCloseTo(0);
    // a: arrive 490, leave 520; b from 530. Latest b start keeping c and the shift: c must start by 720-30-30=660... b by 660-30-10=620
    expect(ins!.fitsBetween[0]).toBeCloseTo(530);
    expect(ins!.fitsBetween[1]).toBeCloseTo(620);
  });

  it('returns null when the stop does not fit the day, the skills or the pin', () => {
    expect(bestInsertion(day(), { vehicleId: 'ann', stopIds: ['a', 'c'] }, 'late')).toBeNull();
    expect(bestInsertion(day(), { vehicleId: 'ann', stopIds: ['a'] }, 'wall')).toBeNull();
  });

  it('fits a stop into an empty day', () => {
    const ins = bestInsertion(day(), { vehicleId: 'ann', stopIds: [] }, 'c');
    expect(ins).toMatchObject({ position: 0, addedDistance: 60, addedMinutes: 60 });
  });

  it('names a bad vehicle or stop id', () => {
    expect(() => bestInsertion(day(), { vehicleId: 'zed', stopIds: [] }, 'a')).toThrow(/vehicleId/);
    expect(() => bestInsertion(day(), { vehicleId: 'ann', stopIds: ['nope'] }, 'a')).toThrow(/stopIds\[0\]/);
    expect(() => bestInsertion(day(), { vehicleId: 'ann', stopIds: [] }, 'nope')).toThrow(/stopId/);
  });
});
