/**
 * A simulated day as a file (issue 24): pros with home ZIP, radius, skills and hours; jobs with ZIP,
 * cart, window, booking and cancellation instants. Validated in full before anything runs: an
 * invalid file is refused with the path of each bad field.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { SKILLS, TIME_WINDOWS, type TimeWindow } from '@h2s/db';
import { lookupPostalCode } from '@h2s/db/geo';
import { DEMO_BUNDLES } from '@h2s/api/seed-data';
import { isTimeZone, windowStartUtc } from '@h2s/api/domain/schedule';
import { behaviourOverrides } from './behaviour';

const SKUS = DEMO_BUNDLES.map((b) => b.sku) as string[];
const WINDOWS = Object.keys(TIME_WINDOWS) as [TimeWindow, ...TimeWindow[]];
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Use 24-hour HH:MM');
const instant = z.iso.datetime({ offset: true, message: 'An ISO-8601 instant, e.g. 2026-03-08T14:05:00Z' });
const knownZip = z
  .string()
  .regex(/^\d{5}$/, 'A 5-digit ZIP code')
  .refine((zip) => lookupPostalCode(zip) !== null, 'Unknown US ZIP code');

const pro = z.object({
  id: z.string().min(1).max(64),
  postalCode: knownZip,
  radiusMiles: z.number().int('Whole miles').min(1).max(500),
  skills: z.array(z.enum(SKILLS, { error: `Skills are: ${SKILLS.join(', ')}` })).min(1, 'At least one skill'),
  hours: z.tuple([hhmm, hhmm]).refine(([from, to]) => from < to, { message: 'Start before you finish', path: [1] }),
});

const job = z.object({
  id: z.string().min(1).max(64),
  postalCode: knownZip,
  items: z
    .array(
      z.object({
        sku: z.string().refine((sku) => SKUS.includes(sku), `Not a catalog SKU (${SKUS.join(', ')})`),
        quantity: z.number().int().min(1).max(10),
      }),
    )
    .min(1, 'At least one item'),
  window: z.enum(WINDOWS, { error: `Window must be one of: ${WINDOWS.join(', ')}` }),
  bookedAt: instant,
  cancelledAt: instant.nullable().optional(),
});

export const scenarioSchema = z
  .object({
    name: z.string().min(1).max(200),
    timezone: z.string().refine(isTimeZone, 'Unknown IANA timezone'),
    day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'A date like 2026-03-10'),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1)
      .optional(),
    behaviour: behaviourOverrides.optional(),
    pros: z.array(pro).min(1, 'At least one pro'),
    jobs: z.array(job).min(1, 'At least one job'),
  })
  .strict()
  .superRefine((s, ctx) => {
    const unique = (list: { id: string }[], key: 'pros' | 'jobs') => {
      const seen = new Set<string>();
      list.forEach((item, i) => {
        if (seen.has(item.id)) ctx.addIssue({ code: 'custom', path: [key, i, 'id'], message: `Duplicate id "${item.id}"` });
        seen.add(item.id);
      });
    };
    unique(s.pros, 'pros');
    unique(s.jobs, 'jobs');
    if (!isTimeZone(s.timezone) || Number.isNaN(Date.parse(`${s.day}T12:00:00Z`))) return;
    s.jobs.forEach((j, i) => {
      const start = windowStartUtc(s.day, s.timezone, j.window).getTime();
      if (Date.parse(j.bookedAt) >= start) {
        ctx.addIssue({ code: 'custom', path: ['jobs', i, 'bookedAt'], message: 'Booked at or after the window starts' });
      }
      if (j.cancelledAt && Date.parse(j.cancelledAt) < Date.parse(j.bookedAt)) {
        ctx.addIssue({ code: 'custom', path: ['jobs', i, 'cancelledAt'], message: 'Cancelled before it was booked' });
      }
    });
  });

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioJob = Scenario['jobs'][number];
export type ScenarioPro = Scenario['pros'][number];

export class ScenarioError extends Error {
  constructor(
    readonly file: string,
    readonly issues: { path: string; message: string }[],
  ) {
    super(`${file} is not a valid scenario:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`);
  }
}

/** Parses a scenario; every bad field is reported with its path ("jobs.3.window"). */
export function parseScenario(data: unknown, file = 'scenario'): Scenario {
  const parsed = scenarioSchema.safeParse(data);
  if (parsed.success) return parsed.data;
  throw new ScenarioError(
    file,
    parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.') || '(file)', message: issue.message })),
  );
}

export function loadScenario(file: string): Scenario {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ScenarioError(file, [{ path: '(file)', message: error instanceof Error ? error.message : String(error) }]);
  }
  return parseScenario(data, file);
}
