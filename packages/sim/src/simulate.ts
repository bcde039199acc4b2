/** One policy over one scenario: a fresh system, the day played through it, then the measurements. */
import { performance } from 'node:perf_hooks';
import { Temporal } from 'temporal-polyfill';
import type { Skill } from '@h2s/db';
import { behaviourWith } from './behaviour';
import { scheduleCustomers } from './customers';
import { Agenda } from './events';
import { measure, type PolicyMetrics } from './metrics';
import type { Policy } from './policies';
import { scheduleLooks, startDay } from './pros';
import { seededRandom } from './random';
import type { Scenario } from './scenario';
import { jobOf, MINUTE, placeOf, type SimPro, type SimState } from './state';
import { createWorld } from './world';

export interface SimulateOptions {
  /** Called now and then with the share of simulated time done (0..1). */
  onProgress?(fraction: number): void;
  /**
   * Parse every answer against its procedure's output schema, as the test suite does. Off by default:
   * the API then runs as in production (trpc.ts checkedOutput), which halves the cost of offers.list.
   */
  checkOutputs?: boolean;
}

const localAt = (scenario: Scenario, hour: number) =>
  Temporal.PlainDate.from(scenario.day).toZonedDateTime({ timeZone: scenario.timezone, plainTime: { hour } }).epochMilliseconds;

export async function simulate(scenario: Scenario, policy: Policy, seed: number, options: SimulateOptions = {}): Promise<PolicyMetrics> {
  const unavailable = await policy.unavailable();
  if (unavailable) throw new Error(`${policy.name}: ${unavailable}`);
  const started = performance.now();
  const behaviour = behaviourWith(scenario.behaviour);
  const start = Math.min(...scenario.jobs.map((j) => Date.parse(j.bookedAt))) - 60 * MINUTE;
  const processEnv: Record<string, string> = { ...policy.env, ...(options.checkOutputs ? {} : { NODE_ENV: 'production' }) };
  const saved = Object.fromEntries(Object.keys(processEnv).map((k) => [k, process.env[k]]));
  Object.assign(process.env, processEnv);
  const world = await createWorld(new Date(start), policy.env);
  try {
    const { bundles } = await (await world.caller(null)).catalog.list();
    // The catalog's own visit length when it has one (a later catalog does); else behaviour.skuMinutes.
    const catalogMinutes = new Map(
      bundles.flatMap((b) => {
        const minutes = (b as { durationMinutes?: unknown }).durationMinutes;
        return typeof minutes === 'number' ? [[b.sku, minutes] as const] : [];
      }),
    );
    const random = seededRandom(seed);
    const state: SimState = {
      scenario,
      world,
      agenda: new Agenda(),
      behaviour,
      random: { pros: random.fork('pro-behaviour'), visits: random.fork('visits') },
      jobs: scenario.jobs.map((spec) => jobOf(scenario, spec, behaviour, catalogMinutes)),
      byJobId: new Map(),
      pros: [],
      openVersion: 0,
      dayStart: localAt(scenario, 5),
      dayEnd: localAt(scenario, 18),
    };
    const admin = await world.caller(world.admin);
    for (const spec of scenario.pros) {
      const slug = spec.id.replace(/[^a-z0-9]/gi, '').toLowerCase() || 'pro';
      const email = `${slug}-${state.pros.length}@pros.sim.test`;
      const name = `Pro ${spec.id}`;
      const { proId } = await admin.admin.createPro({
        name,
        email,
        password: 'simulated-pro-password',
        postalCode: spec.postalCode,
        serviceRadiusMiles: spec.radiusMiles,
        skills: spec.skills as Skill[],
      });
      const [startsAt, endsAt] = spec.hours;
      await admin.pros.setAvailability({
        proId,
        hours: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, startsAt, endsAt })),
        daysOff: [],
      });
      const home = placeOf(spec.postalCode);
      const pro: SimPro = {
        spec,
        viewer: { userId: proId, role: 'pro', name, email },
        home,
        timezone: home.timezone,
        location: home,
        busy: false,
        expectFreeAt: 0,
        holding: [],
        emptyAtVersion: -1,
        looks: 0,
      };
      state.pros.push(pro);
    }
    scheduleCustomers(state);
    for (const pro of state.pros) scheduleLooks(state, pro, start);
    startDay(state);
    policy.schedule?.(state);

    const span = state.dayEnd - start;
    let reported = -1;
    for (let event = state.agenda.next(); event; event = state.agenda.next()) {
      world.clock.set(event.at);
      await event.run();
      const share = Math.min(1, (event.at - start) / span);
      if (share - reported >= 0.01) options.onProgress?.((reported = share));
    }
    options.onProgress?.(1);
    if (process.env.SIM_VISITS) {
      const t = (ms: number) => new Date(ms).toISOString().slice(11, 16);
      for (const j of state.jobs.filter((x) => x.visit).sort((a, b) => a.visit!.departAt - b.visit!.departAt)) {
        const v = j.visit!;
        console.error(
          `${j.pro?.spec.id} ${j.spec.id} win ${t(j.windowStart)}-${t(j.windowEnd)} dep ${t(v.departAt)} arr ${t(v.arriveAt)} start ${t(v.startAt)} end ${t(v.endAt)} drive ${v.driveMinutes.toFixed(0)} acc ${new Date(j.acceptedAt!).toISOString().slice(5, 16)} ${v.onTime ? '' : 'LATE'}`,
        );
      }
    }
    if (process.env.SIM_PROFILE) {
      const rows = [...world.timings].sort((a, b) => b[1].ms - a[1].ms);
      for (const [name, t] of rows)
        console.error(`[sim] ${name.padEnd(32)} ${String(t.calls).padStart(6)} calls ${(t.ms / 1000).toFixed(1).padStart(7)} s`);
    }
    return await measure(state, (performance.now() - started) / 1000);
  } finally {
    await world.close();
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}
