/**
 * The `planned` policy's dispatcher: at the cutoff (6 pm the day before, in the scenario's zone) they
 * run "Plan day" (admin.planDay) and apply the proposal stop by stop through admin.assign, the
 * normal assignment path; each pro acknowledges what they were given. Jobs booked after the cutoff,
 * and any the plan left out, go through the offers as under the other policies.
 */
import { Temporal } from 'temporal-polyfill';
import { checkHoldings } from './doubles';
import { refusalCode } from './events';
import { assigned } from './pros';
import type { SimState } from './state';

export const PLAN_CUTOFF = { daysBefore: 1, hour: 18 } as const;

interface PlanDayCaller {
  planDay(input: {
    date: string;
    timezone: string;
  }): Promise<{ routes: { proId: string; stops: { jobId: string; start: string; pinned?: boolean }[] }[]; unassigned: { code: string }[] }>;
  assign(input: { jobId: string; proId: string; start?: string }): Promise<unknown>;
}

export interface PlanOutcome {
  at: string;
  proposed: number;
  applied: number;
  refused: number;
  leftOut: number;
  /** Why the plan left jobs out (the planner's codes), with how many each. */
  leftOutWhy: Record<string, number>;
  /** Why admin.assign refused stops, with how many each. */
  refusals: Record<string, number>;
}

export const planOutcomes = new WeakMap<SimState, PlanOutcome>();

export function schedulePlan(state: SimState): void {
  const { day, timezone } = state.scenario;
  const cutoff = Temporal.PlainDate.from(day)
    .subtract({ days: PLAN_CUTOFF.daysBefore })
    .toZonedDateTime({ timeZone: timezone, plainTime: { hour: PLAN_CUTOFF.hour } }).epochMilliseconds;
  state.agenda.add(cutoff, async () => {
    const admin = (await state.world.caller(state.world.admin)).admin as unknown as PlanDayCaller;
    const plan = await admin.planDay({ date: day, timezone });
    const outcome: PlanOutcome = {
      at: new Date(cutoff).toISOString(),
      proposed: 0,
      applied: 0,
      refused: 0,
      leftOut: plan.unassigned.length,
      leftOutWhy: {},
      refusals: {},
    };
    for (const { code } of plan.unassigned) outcome.leftOutWhy[code] = (outcome.leftOutWhy[code] ?? 0) + 1;
    const prosById = new Map(state.pros.map((p) => [p.viewer.userId, p]));
    for (const route of plan.routes) {
      const pro = prosById.get(route.proId);
      // A pinned stop is a job the pro already holds: the plan keeps it, there is nothing to apply.
      for (const stop of route.stops.filter((s) => !s.pinned)) {
        outcome.proposed++;
        const job = state.byJobId.get(stop.jobId);
        if (!pro || !job) continue;
        try {
          // At the planned start: of the places the pro's day has, the one the plan chose.
          await admin.assign({ jobId: stop.jobId, proId: route.proId, start: stop.start });
        } catch (error) {
          refusalCode(error);
          outcome.refused++;
          const reason = (error as Error).message;
          outcome.refusals[reason] = (outcome.refusals[reason] ?? 0) + 1;
          continue;
        }
        outcome.applied++;
        assigned(state, pro, job);
        await checkHoldings(state, pro);
        await (await state.world.caller(pro.viewer)).jobs.acknowledge({ jobId: stop.jobId }).catch((error: unknown) => refusalCode(error));
      }
    }
    planOutcomes.set(state, outcome);
  });
}
