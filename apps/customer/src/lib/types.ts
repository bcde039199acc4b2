/** A schedule action's answer, as the pages hand it to their picker. */
export interface ScheduleResult {
  orderId: string;
  values: { date: string; timeWindow: string; timezone: string };
  fieldErrors: Record<string, string>;
  message: string | null;
  dueAt?: string;
  /** The pro was busy at the new time: we are finding another. */
  proReleased?: boolean;
}

export interface PhotoLimits {
  maxBytes: number;
  maxCount: number;
}
