import { describe, expect, it } from 'vitest';
import { hoursVerdict } from './hours';

const at = (hhmm: string) => new Date(`2026-01-21T${hhmm}:00-06:00`);
const shift = { start: at('08:00'), end: at('15:00') };
const window = (from: string, to: string) => ({ start: at(from), end: at(to) });

describe('the working-hours rule', () => {
  it('takes a window wholly inside the shift, edges included', () => {
    expect(hoursVerdict(shift, window('08:00', '11:00'))).toBe('within');
    expect(hoursVerdict(shift, window('12:00', '15:00'))).toBe('within');
  });

  it('tells a window that runs past either end from one wholly outside', () => {
    expect(hoursVerdict(shift, window('13:00', '16:00'))).toBe('partly');
    expect(hoursVerdict(shift, window('07:00', '10:00'))).toBe('partly');
    expect(hoursVerdict(shift, window('15:01', '18:00'))).toBe('outside');
    expect(hoursVerdict(shift, window('05:00', '07:59'))).toBe('outside');
  });

  it('says a day with no shift (a day off, or no hours that weekday) is not a working day', () => {
    expect(hoursVerdict(null, window('09:00', '12:00'))).toBe('not-working');
  });
});
