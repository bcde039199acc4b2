import { describe, expect, it } from 'vitest';
import { metroDay } from './metro';
import { parseScenario, ScenarioError } from './scenario';

const valid = () => ({
  name: 'Two jobs',
  timezone: 'America/Chicago',
  day: '2026-03-10',
  seed: 7,
  pros: [{ id: 'p01', postalCode: '60614', radiusMiles: 25, skills: ['wall-mount'], hours: ['08:00', '18:00'] }],
  jobs: [
    {
      id: 'j001',
      postalCode: '60601',
      items: [{ sku: 'tv-mount-standard', quantity: 1 }],
      window: '9am - 12pm',
      bookedAt: '2026-03-08T14:05:00Z',
      cancelledAt: null,
    },
  ],
});

function pathsOf(data: unknown): string[] {
  try {
    parseScenario(data, 'test.json');
  } catch (error) {
    if (error instanceof ScenarioError) return error.issues.map((i) => i.path);
    throw error;
  }
  return [];
}

describe('scenario files', () => {
  it("accepts the issue's example format", () => {
    expect(parseScenario(valid()).jobs).toHaveLength(1);
  });

  it('refuses a bad file naming the path of every bad field', () => {
    const data = valid() as Record<string, unknown> & ReturnType<typeof valid>;
    data.timezone = 'Mars/Olympus';
    data.pros[0]!.postalCode = '00000';
    (data.pros[0]!.skills as string[]) = ['juggling'];
    (data.pros[0]!.hours as string[]) = ['18:00', '08:00'];
    data.jobs[0]!.items[0]!.sku = 'no-such-bundle';
    (data.jobs[0]! as { window: string }).window = '8am - 9am';
    data.behaviour = { lookIntervalMinutes: -5, unknownKnob: 1 };
    expect(pathsOf(data).sort()).toEqual(
      [
        'behaviour',
        'behaviour.lookIntervalMinutes',
        'jobs.0.items.0.sku',
        'jobs.0.window',
        'pros.0.hours.1',
        'pros.0.postalCode',
        'pros.0.skills.0',
        'timezone',
      ].sort(),
    );
  });

  it('refuses a booking made after its window starts, and duplicate ids', () => {
    const data = valid();
    data.jobs[0]!.bookedAt = '2026-03-10T16:00:00Z';
    data.jobs.push({ ...data.jobs[0]!, bookedAt: '2026-03-08T14:05:00Z' });
    expect(pathsOf(data)).toEqual(['jobs.1.id', 'jobs.0.bookedAt']);
  });

  it('builds the same built-in day from the same seed, and a different one from another', () => {
    expect(metroDay({ seed: 5 })).toEqual(metroDay({ seed: 5 }));
    expect(metroDay({ seed: 5 }).jobs).not.toEqual(metroDay({ seed: 6 }).jobs);
    const day = parseScenario(metroDay({ seed: 5 }));
    expect([day.jobs.length, day.pros.length]).toEqual([500, 50]);
  });
});
