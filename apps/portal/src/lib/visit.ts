/** The visit as the pro's phone shows it: which step comes next, and when to ask before taking it. */
import { formatVisit } from '@h2s/ui/format';

export type VisitStep = 'depart' | 'start' | 'complete';

export const NEXT_STEP: Partial<Record<string, { step: VisitStep; label: string; confirm: string }>> = {
  accepted: { step: 'depart', label: "I'm on my way", confirm: "Yes, I'm on my way" },
  en_route: { step: 'start', label: "I've arrived: start work", confirm: 'Yes, start work' },
  in_progress: { step: 'complete', label: 'Mark complete', confirm: 'Yes, mark complete' },
};

/** Two hours either side of the three-hour window is "near"; further away, the pro is asked first. */
const SLACK_MS = 2 * 3600 * 1000;
const WINDOW_MS = 3 * 3600 * 1000;

interface Booked {
  dueAt: string | null;
  scheduleDate: string | null;
  timeWindow: string | null;
  /** The job's own zone, where the house is. */
  timezone: string;
}

/**
 * The question to ask before a step, or null to just take it. Departing or starting far from the
 * booked window is likely a mistake (the customer is told at once); completing always asks.
 */
export function confirmationFor(step: VisitStep, job: Booked, now: Date): string | null {
  if (step === 'complete') return 'Mark this job complete? The customer is told at once and gets the receipt.';
  const verb = step === 'depart' ? 'Tell the customer you are on your way' : 'Start it';
  if (!job.dueAt || !job.scheduleDate || !job.timeWindow) return `This visit has no booked time yet. ${verb} now?`;
  const start = new Date(job.dueAt).getTime();
  const near = now.getTime() >= start - SLACK_MS && now.getTime() <= start + WINDOW_MS + SLACK_MS;
  return near ? null : `This visit is booked for ${formatVisit(job.dueAt, job.timezone)}. ${verb} now?`;
}
