import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatDistance,
  formatInstant,
  formatSlot,
  formatUSD,
  formatVisit,
  formatWhen,
  localWindow,
  relativeDay,
  wallClockInstant,
  zoneAbbreviation,
} from './format';

const job = (scheduleDate: string, dueAt: string, timeWindow = '9am - 12pm') => ({
  dueAt,
  scheduleDate,
  timeWindow,
  timezone: 'America/Chicago',
});

describe('formatWhen', () => {
  // 2026-01-09 20:00 in Chicago is already 2026-01-10 in UTC: "tomorrow" must follow the job's zone.
  const now = new Date('2026-01-10T02:00:00Z');

  it('says tomorrow in the job timezone, with the window and zone', () => {
    expect(formatWhen(job('2026-01-10', '2026-01-10T15:00:00Z'), now)).toBe('Tomorrow, 9am–12pm CST');
  });

  it('says today and uses daylight time in summer', () => {
    const summer = new Date('2026-07-01T13:00:00Z');
    expect(formatWhen(job('2026-07-01', '2026-07-01T20:00:00Z', '3pm - 6pm'), summer)).toBe('Today, 3pm–6pm CDT');
  });

  it('names the day further out', () => {
    expect(formatWhen(job('2026-01-15', '2026-01-15T18:00:00Z', '12pm - 3pm'), now)).toBe('Thu, Jan 15, 12pm–3pm CST');
  });

  it('shows the window at the house even when the customer booked it in another zone (issue 22)', () => {
    // Booked "12pm - 3pm" in New York for a Chicago house: 17:00Z, which is 11am–2pm at the house.
    const booked = {
      dueAt: '2026-01-15T17:00:00Z',
      scheduleDate: '2026-01-15',
      timeWindow: '12pm - 3pm',
      timezone: 'America/Chicago',
      scheduleTimezone: 'America/New_York',
    };
    expect(formatWhen(booked, now)).toBe('Thu, Jan 15, 11am–2pm CST');
    expect(formatVisit(booked.dueAt, booked.timezone)).toBe('Thu, Jan 15, 11am–2pm CST at the home');
  });

  it('says when there is no schedule yet', () => {
    expect(formatWhen({ dueAt: null, scheduleDate: null, timeWindow: null, timezone: 'America/Chicago' }, now)).toBe('Not scheduled yet');
  });
});

describe('wall clocks across zones', () => {
  it('finds the instant of a wall-clock hour in a zone, DST and half-hour offsets included', () => {
    expect(wallClockInstant('2026-01-15', 12, 'America/Chicago').toISOString()).toBe('2026-01-15T18:00:00.000Z');
    expect(wallClockInstant('2026-07-01', 9, 'America/New_York').toISOString()).toBe('2026-07-01T13:00:00.000Z');
    expect(wallClockInstant('2026-01-15', 9, 'Asia/Kolkata').toISOString()).toBe('2026-01-15T03:30:00.000Z');
  });

  it('reads a window in another zone', () => {
    expect(localWindow('2026-01-15T15:00:00Z', 'America/Chicago')).toBe('9am–12pm');
    expect(localWindow('2026-01-15T15:00:00Z', 'America/New_York')).toBe('10am–1pm');
    expect(localWindow('2026-01-15T03:30:00Z', 'America/Chicago')).toBe('9:30pm–12:30am');
  });
});

describe('relativeDay', () => {
  it('adds the year when it differs', () => {
    expect(relativeDay('2027-01-04', 'America/New_York', new Date('2026-12-20T12:00:00Z'))).toBe('Mon, Jan 4, 2027');
  });
  it('says yesterday', () => {
    expect(relativeDay('2026-01-08', 'America/Chicago', new Date('2026-01-09T18:00:00Z'))).toBe('Yesterday');
  });
});

describe('small formats', () => {
  it('abbreviates zones, distances and slots', () => {
    expect(zoneAbbreviation(new Date('2026-01-15T18:00:00Z'), 'America/Phoenix')).toBe('MST');
    expect(formatDistance(5.234)).toBe('5.2 mi');
    expect(formatSlot({ date: '2026-01-15', timeWindow: '12pm - 3pm' })).toBe('Thu, Jan 15, 12pm–3pm');
  });

  it('names the zone of a slot the customer booked, so a traveller is not misled', () => {
    expect(formatSlot({ date: '2026-01-15', timeWindow: '12pm - 3pm', timezone: 'America/Chicago' })).toBe(
      'Thu, Jan 15, 12pm–3pm (Central Time, America/Chicago)',
    );
  });

  it('formats money, sizes and instants', () => {
    expect(formatUSD(12999)).toBe('$129.99');
    expect(formatBytes(2_500_000)).toBe('2.4 MB');
    expect(formatInstant('2026-01-09T20:03:00Z', 'America/Chicago')).toBe('Jan 9, 2026, 2:03 PM CST');
  });
});
