/**
 * The pro model (parameters in behaviour.ts): during working hours a pro opens offers.list every so
 * often, reads the top few best first and takes the first that fits (reachable before its window
 * ends) with a chance that falls with the drive; on the day they drive to each accepted job in window
 * order (jobs.mine), depart, start, add an after photo and complete, all through the real procedures.
 */
import { haversineMiles } from '@h2s/scoring';
import { afterPhoto } from './world';
import { driveMinutes, takeProbability } from './behaviour';
import { checkHoldings } from './doubles';
import { refusalCode } from './events';
import { hoursOn, localDate, MINUTE, nextDate, type SimJob, type SimPro, type SimState } from './state';

const planTokens = new WeakMap<SimPro, number>();

/** The first instant at or after `after` inside the pro's hours, up to the simulated day; null after it. */
function withinHours(state: SimState, pro: SimPro, after: number, jitter: boolean): number | null {
  let date = localDate(pro, after);
  for (let guard = 0; guard < 400 && date <= state.scenario.day; guard++, date = nextDate(date)) {
    const hours = hoursOn(pro, date);
    if (after < hours.from) return hours.from + (jitter ? state.random.pros.next() * state.behaviour.lookIntervalMinutes * MINUTE : 0);
    if (after < hours.to) return after;
  }
  return null;
}

export function scheduleLooks(state: SimState, pro: SimPro, from: number): void {
  const first = withinHours(state, pro, from + state.random.pros.next() * state.behaviour.lookIntervalMinutes * MINUTE, true);
  if (first !== null) state.agenda.add(first, () => look(state, pro));
}

async function look(state: SimState, pro: SimPro): Promise<void> {
  const now = state.world.clock.now().getTime();
  if (pro.emptyAtVersion !== state.openVersion) {
    pro.looks++;
    const { offers } = await (await state.world.caller(pro.viewer)).offers.list();
    if (!offers.length) pro.emptyAtVersion = state.openVersion;
    for (const offer of offers.slice(0, state.behaviour.offersConsideredPerLook)) {
      const job = state.byJobId.get(offer.jobId);
      if (!job) continue;
      // Where the system plans visits, an offer says what it does to the pro's day: the pro trusts that
      // plan and weighs the driving it adds. Otherwise the pro judges from home distance and their own day.
      const day = (offer as { day?: { addedDriveMinutes: number; plannedStart: string } }).day;
      const drive = day ? Math.max(0, day.addedDriveMinutes) : driveMinutes(offer.distanceMiles, state.behaviour);
      if (day ? !planFits(pro, job, Date.parse(day.plannedStart), now) : !fits(state, pro, job, drive, now)) continue;
      if (!state.random.pros.chance(takeProbability(drive, state.behaviour))) continue;
      if (await accept(state, pro, job)) break;
    }
  }
  const interval = state.behaviour.lookIntervalMinutes * state.random.pros.between(0.5, 1.5) * MINUTE;
  const next = withinHours(state, pro, now + interval, true);
  if (next !== null && next < state.dayEnd) state.agenda.add(next, () => look(state, pro));
}

/**
 * The pro's own judgement: they can be there before the window closes (after the visit they are on)
 * and the job still leaves time to reach the later jobs they hold.
 */
function fits(state: SimState, pro: SimPro, job: SimJob, drive: number, now: number): boolean {
  const arrive = Math.max(now, pro.busy ? pro.expectFreeAt : now) + drive * MINUTE;
  if (arrive >= job.windowEnd) return false;
  const end = Math.max(arrive, job.windowStart) + job.minutes * MINUTE;
  return pro.holding.every(
    (other) =>
      other.visit !== undefined ||
      other.cancelledAt !== undefined ||
      other.windowStart < job.windowStart ||
      end + driveMinutes(haversineMiles(job.place, other.place), state.behaviour) * MINUTE <= other.windowEnd,
  );
}

/** With the system's plan in hand the pro still says no to a start after the window or during the visit they are on. */
function planFits(pro: SimPro, job: SimJob, plannedStart: number, now: number): boolean {
  return plannedStart < job.windowEnd && plannedStart >= (pro.busy ? pro.expectFreeAt : now);
}

async function accept(state: SimState, pro: SimPro, job: SimJob): Promise<boolean> {
  try {
    await (await state.world.caller(pro.viewer)).jobs.accept({ jobId: job.jobId! });
  } catch (error) {
    refusalCode(error);
    return false;
  }
  job.acceptedAt = state.world.clock.now().getTime();
  job.pro = pro;
  pro.holding.push(job);
  await checkHoldings(state, pro);
  wake(state, pro);
  return true;
}

/** Assigned outside the offers (a dispatcher's plan): the simulation learns of it like the pro would. */
export function assigned(state: SimState, pro: SimPro, job: SimJob): void {
  if (job.pro === pro) return;
  job.acceptedAt = state.world.clock.now().getTime();
  job.pro = pro;
  pro.holding.push(job);
  wake(state, pro);
}

/** The pro's next stop may have changed: plan it again unless they are on a visit or the day has not begun. */
export function wake(state: SimState, pro: SimPro): void {
  if (pro.busy || state.world.clock.now().getTime() < state.dayStart) return;
  const token = (planTokens.get(pro) ?? 0) + 1;
  planTokens.set(pro, token);
  state.agenda.add(state.world.clock.now().getTime(), () => nextStop(state, pro, token));
}

/** The pros' morning: each plans the first stop of the day. */
export function startDay(state: SimState): void {
  state.agenda.add(state.dayStart, async () => {
    for (const pro of state.pros) wake(state, pro);
  });
}

interface PlannedStop {
  jobId: string;
  status: string;
  plannedArrival: string;
}
type MyDay = (input: { date: string }) => Promise<{ stops: PlannedStop[] }>;
/** Per run: whether the system plans the pro's day (jobs.myDay); learnt from the first call. */
const plansDays = new WeakMap<SimState, boolean>();

/**
 * The pro's next stop and when to leave for it. Where the system plans visits (jobs.myDay) the pro
 * follows its order and leaves to arrive at the planned time; otherwise they take their jobs (jobs.mine)
 * in window order and leave to arrive a little before the window opens.
 */
async function nextStop(state: SimState, pro: SimPro, token: number): Promise<void> {
  if (planTokens.get(pro) !== token || pro.busy) return;
  const caller = await state.world.caller(pro.viewer);
  let job: SimJob | undefined;
  let aimAt = 0;
  if (plansDays.get(state) !== false) {
    try {
      const { stops } = await (caller.jobs as unknown as { myDay: MyDay }).myDay({ date: state.scenario.day });
      plansDays.set(state, true);
      const stop = stops.find((s) => s.status === 'accepted' && !state.byJobId.get(s.jobId)?.visit);
      job = stop && state.byJobId.get(stop.jobId);
      aimAt = stop ? Date.parse(stop.plannedArrival) : 0;
    } catch (error) {
      if (refusalCode(error) !== 'NOT_FOUND' || plansDays.get(state)) throw error;
      plansDays.set(state, false);
    }
  }
  if (plansDays.get(state) === false) {
    const { upcoming } = await caller.jobs.mine();
    job = upcoming
      .filter((j) => j.status === 'accepted' && j.dueAt !== null)
      .map((j) => state.byJobId.get(j.jobId))
      .filter((j): j is SimJob => j !== undefined && !j.visit)
      .sort((a, b) => a.windowStart - b.windowStart)[0];
    aimAt = job ? job.windowStart - state.behaviour.departEarlyMinutes * MINUTE : 0;
  }
  if (!job) return;
  const now = state.world.clock.now().getTime();
  const drive = driveMinutes(haversineMiles(pro.location, job.place), state.behaviour);
  const target = job;
  state.agenda.add(Math.max(now, aimAt - drive * MINUTE), () => depart(state, pro, target, drive, token));
}

async function depart(state: SimState, pro: SimPro, job: SimJob, plannedDrive: number, token: number): Promise<void> {
  if (planTokens.get(pro) !== token || pro.busy) return;
  const caller = await state.world.caller(pro.viewer);
  try {
    await caller.jobs.depart({ jobId: job.jobId! });
  } catch (error) {
    refusalCode(error); // cancelled meanwhile: on to the next stop
    return wake(state, pro);
  }
  pro.busy = true;
  const { behaviour, random } = state;
  const now = state.world.clock.now().getTime();
  const heldUp = random.visits.chance(behaviour.lateProbability) ? random.visits.exponential(behaviour.lateMeanMinutes) : 0;
  const drive = plannedDrive * random.visits.spread(behaviour.trafficSigma);
  const arriveAt = now + (heldUp + drive) * MINUTE;
  const startAt = Math.max(arriveAt, job.windowStart);
  const visit = { departAt: now, arriveAt, startAt, endAt: startAt, driveMinutes: drive, onTime: arriveAt <= job.windowEnd };
  job.visit = visit;
  pro.expectFreeAt = Math.max(now + plannedDrive * MINUTE, job.windowStart) + job.minutes * MINUTE;
  state.agenda.add(startAt, async () => {
    await caller.jobs.start({ jobId: job.jobId! });
    const minutes = job.minutes * random.visits.spread(behaviour.durationSigma);
    state.agenda.add(startAt + minutes * MINUTE, async () => {
      await caller.uploads.create(afterPhoto(job.jobId!, state.jobs.indexOf(job)));
      await caller.jobs.complete({ jobId: job.jobId! });
      visit.endAt = state.world.clock.now().getTime();
      pro.location = job.place;
      pro.busy = false;
      wake(state, pro);
    });
  });
}
