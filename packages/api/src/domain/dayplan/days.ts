/**
 * Every day a pro's offers can touch, read in ONE statement (offers.list is a hot path): home, weekly
 * hours, days off and live planned visits from `from` on (where each candidate is and how long it takes
 * come with the candidates). The ProDay of any date is then built here without another round trip.
 */
import { Temporal } from 'temporal-polyfill';
import { preparedPerDatabase, sql, type Database } from '@h2s/db';
import { zoneFormat, type PlannedStop, type Point, type ProDay } from './fit';

interface DaysRow {
  timezone: string;
  lat: number;
  lng: number;
  hours: { weekday: number; starts: string; ends: string }[];
  off: string[];
  visits: { id: string; job: string; lat: number; lng: number; arrival: string; start: string; end: string; drive: number }[];
  [key: string]: unknown;
}

export interface ProDays {
  timezone: string;
  home: Point;
  /** The pro's day on a local date (cached per date). */
  day(date: string): ProDay;
}

const localDateOf = (iso: string, timeZone: string) => zoneFormat(timeZone, 'date').format(new Date(iso));

/** Prepared once per database and connection (offers.list runs it on every call). */
const daysStatement = preparedPerDatabase<DaysRow>('h2s_pro_days', () => {
  const proId = sql`${sql.placeholder('proId')}::text`;
  const from = sql`${sql.placeholder('from')}::timestamptz`;
  return sql`
    select p.timezone, p.lat, p.lng,
           (select coalesce(json_agg(json_build_object('weekday', h.weekday, 'starts', h.starts_at::text, 'ends', h.ends_at::text)), '[]')
              from pro_working_hours h where h.pro_id = p.user_id) as hours,
           (select coalesce(json_agg(d.day::text), '[]') from pro_days_off d
             where d.pro_id = p.user_id and d.day >= (${from} at time zone 'UTC')::date - 1) as off,
           (select coalesce(json_agg(json_build_object('id', a.id, 'job', a.job_id, 'lat', j.lat, 'lng', j.lng, 'arrival', a.planned_arrival,
                                                       'start', a.planned_start, 'end', a.planned_end, 'drive', a.drive_minutes)
                                     order by a.planned_arrival, a.id), '[]')
              from job_assignments a join dispatch_jobs j on j.id = a.job_id
             where a.pro_id = p.user_id and a.state in ('accepted', 'seated') and a.visit_range is not null
               and a.planned_end >= ${from} - interval '1 day') as visits
      from pros p where p.user_id = ${proId}`;
});

export async function loadProDays(db: Database, proId: string, from: Date): Promise<ProDays | null> {
  const [row] = await daysStatement(db).execute({ proId, from: from.toISOString() });
  if (!row) return null;
  const { timezone } = row;
  const home = { lat: row.lat, lng: row.lng };
  const off = new Set(row.off);
  const hours = new Map(row.hours.map((h) => [h.weekday, h]));
  const visitsByDate = new Map<string, PlannedStop[]>();
  for (const v of row.visits) {
    const date = localDateOf(v.start, timezone);
    const list = visitsByDate.get(date) ?? [];
    list.push({
      assignmentId: v.id,
      jobId: v.job,
      point: { lat: v.lat, lng: v.lng },
      arrival: new Date(v.arrival),
      start: new Date(v.start),
      end: new Date(v.end),
      driveMinutes: v.drive,
    });
    visitsByDate.set(date, list);
  }
  const at = (date: string, time: string) =>
    new Date(Temporal.PlainDateTime.from(`${date}T${time}`).toZonedDateTime(timezone).epochMilliseconds);
  const days = new Map<string, ProDay>();
  return {
    timezone,
    home,
    day(date) {
      let day = days.get(date);
      if (!day) {
        const h = off.has(date) ? undefined : hours.get(Temporal.PlainDate.from(date).dayOfWeek);
        day = {
          proId,
          timezone,
          home,
          shift: h ? { start: at(date, h.starts), end: at(date, h.ends) } : null,
          dayOff: off.has(date),
          stops: visitsByDate.get(date) ?? [],
        };
        days.set(date, day);
      }
      return day;
    },
  };
}
