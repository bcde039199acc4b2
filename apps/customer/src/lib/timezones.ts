/** The US zones a customer can pick for their appointment times; the API decides what it accepts. */
export const US_TIMEZONES = [
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Phoenix',
  'America/Los_Angeles',
  'America/Anchorage',
  'Pacific/Honolulu',
  'America/Puerto_Rico',
] as const;

/** The zone list for a picker: the order's own zone and the device's zone come along when they are not already in it. */
export function timezoneChoices(extra: (string | null | undefined)[]): string[] {
  const zones: string[] = [...US_TIMEZONES];
  for (const zone of extra) if (zone && !zones.includes(zone)) zones.push(zone);
  return zones;
}

export function deviceTimezone(): string | null {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || null;
  } catch {
    return null;
  }
}
