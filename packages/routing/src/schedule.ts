/**
 * Exact forward schedule of one route: each stop's service starts as early as its windows allow,
 * waiting is allowed, and the vehicle is back at its end location by the end of its shift.
 *
 * A vehicle's break is placed greedily on the first leg where it is due: the leg whose next service
 * would start after the break window opens, or whose next stop would end after the window closes, or
 * the last leg. On that leg the break is taken on arrival (absorbing the wait) if it can still start
 * in its window, else before driving.
 */
import { earliestStart, type Model } from './model';

export interface ScheduleOut {
  arrival: Float64Array;
  start: Float64Array;
  departure: Float64Array;
  drive: Float64Array;
  breakStart: number;
  end: number;
}

export function scheduleBuffers(size: number): ScheduleOut {
  return {
    arrival: new Float64Array(size),
    start: new Float64Array(size),
    departure: new Float64Array(size),
    drive: new Float64Array(size),
    breakStart: NaN,
    end: NaN,
  };
}

/**
 * Simulates vehicle v over `seq[0..len)`; returns the arrival time at the end location, or Infinity
 * when a window, the break or the shift end cannot be met. Fills `out` when given (same indexes as seq).
 */
export function simulate(m: Model, v: number, seq: ArrayLike<number>, len: number, out?: ScheduleOut): number {
  const T = m.time;
  const L = m.locations;
  let loc = m.vStart[v]!;
  let t = m.shiftStart[v]!;
  let breakDue = m.hasBreak[v] === 1;
  const bws = m.breakStart[v]!;
  const bwe = m.breakEnd[v]!;
  const bd = m.breakDuration[v]!;
  if (out) out.breakStart = NaN;
  for (let i = 0; i <= len; i++) {
    const last = i === len;
    const k = last ? -1 : seq[i]!;
    const nextLoc = last ? m.vEnd[v]! : m.stopLoc[k]!;
    const drive = T[loc * L + nextLoc]!;
    let arr = t + drive;
    let reached = arr;
    if (breakDue) {
      const s = last ? arr : earliestStart(m, k, arr);
      if (last || s >= bws || s + m.service[k]! > bwe) {
        const afterDrive = arr > bws ? arr : bws;
        let b: number;
        if (afterDrive <= bwe) {
          b = afterDrive;
          arr = b + bd;
        } else {
          b = t > bws ? t : bws;
          if (b > bwe) return Infinity;
          arr = b + bd + drive;
          reached = arr;
        }
        breakDue = false;
        if (out) out.breakStart = b;
      }
    }
    if (last) {
      if (arr > m.shiftEnd[v]!) return Infinity;
      if (out) out.end = arr;
      return arr;
    }
    const s = earliestStart(m, k, arr);
    if (s === Infinity) return Infinity;
    t = s + m.service[k]!;
    if (out) {
      out.arrival[i] = reached;
      out.start[i] = s;
      out.departure[i] = t;
      out.drive[i] = drive;
    }
    loc = nextLoc;
  }
  return Infinity;
}
