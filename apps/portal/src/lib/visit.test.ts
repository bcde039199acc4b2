import { describe, expect, it } from 'vitest';
import { confirmationFor } from './visit';

const job = { dueAt: '2026-12-04T15:00:00.000Z', scheduleDate: '2026-12-04', timeWindow: '9am - 12pm', timezone: 'America/Chicago' };

describe('confirmationFor', () => {
  it('asks before a step far from the booked window, naming the window', () => {
    expect(confirmationFor('start', job, new Date('2026-11-25T15:00:00Z'))).toBe(
      'This visit is booked for Fri, Dec 4, 9am–12pm CST at the home. Start it now?',
    );
    expect(confirmationFor('depart', job, new Date('2026-12-05T15:00:00Z'))).toMatch(
      /^This visit is booked for Fri, Dec 4, 9am–12pm CST at the home\. Tell the customer/,
    );
  });

  it('takes a step near the window without asking', () => {
    expect(confirmationFor('depart', job, new Date('2026-12-04T14:00:00Z'))).toBeNull();
    expect(confirmationFor('start', job, new Date('2026-12-04T16:30:00Z'))).toBeNull();
  });

  it('always asks before completing, and before a step on an unscheduled visit', () => {
    expect(confirmationFor('complete', job, new Date('2026-12-04T16:30:00Z'))).toMatch(/^Mark this job complete\?/);
    expect(
      confirmationFor('start', { dueAt: null, scheduleDate: null, timeWindow: null, timezone: 'America/Chicago' }, new Date()),
    ).toMatch(/no booked time/);
  });
});
