/** The availability form's fields → pros.setAvailability input (one row per weekday, days off as dates). */
export function availabilityFromForm(form: FormData): {
  hours: { weekday: number; startsAt: string; endsAt: string }[];
  daysOff: string[];
} {
  const hours = [];
  for (let weekday = 1; weekday <= 7; weekday++) {
    if (form.get(`works-${weekday}`) !== 'on') continue;
    hours.push({ weekday, startsAt: String(form.get(`start-${weekday}`) ?? ''), endsAt: String(form.get(`end-${weekday}`) ?? '') });
  }
  const daysOff = form
    .getAll('dayOff')
    .map((d) => String(d).trim())
    .filter(Boolean);
  return { hours, daysOff };
}
