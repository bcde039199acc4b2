/** Route planning in the product: admin.planDay / admin.applyPlan and jobs.myDay (spread into those routers). */
import { z } from 'zod';
import { jobIdSchema, proIdSchema } from '@h2s/db';
import { planDay } from '../domain/dayplan/plan';
import { applyDayPlan } from '../domain/dayplan/apply';
import { myDay } from '../domain/dayplan/my-day';
import { isTimeZone, scheduleFields } from '../domain/schedule';
import { adminProcedure, checkedOutput, proProcedure } from '../trpc';

const dayInput = z.object({
  date: scheduleFields.date,
  timezone: scheduleFields.timezone.refine(isTimeZone, 'Not a time zone we know (e.g. America/Chicago)'),
});

const plannedVisit = z.object({
  jobId: z.string(),
  arrival: z.string(),
  start: z.string(),
  end: z.string(),
  driveMinutes: z.number().int(),
  pinned: z.boolean(),
  lat: z.number(),
  lng: z.number(),
  city: z.string(),
  windowStart: z.string(),
});

const dayPlan = z.object({
  date: z.string(),
  timezone: z.string(),
  routes: z.array(
    z.object({
      proId: z.string(),
      name: z.string(),
      home: z.object({ lat: z.number(), lng: z.number() }),
      stops: z.array(plannedVisit),
      driveMinutes: z.number().int(),
      idleMinutes: z.number().int(),
    }),
  ),
  unassigned: z.array(z.object({ jobId: z.string(), reason: z.string(), code: z.string() })),
  totals: z.object({
    driveMinutes: z.number().int(),
    assigned: z.number().int(),
    unassigned: z.number().int(),
    solverMs: z.number().int(),
  }),
});

const dayStop = z.object({
  jobId: z.string(),
  status: z.string(),
  city: z.string(),
  addressLine1: z.string(),
  customerName: z.string(),
  timeWindow: z.string().nullable(),
  windowStart: z.string(),
  plannedArrival: z.string(),
  eta: z.string(),
  expectedEnd: z.string(),
  lateMinutes: z.number().int(),
  driveMinutes: z.number().int(),
  serviceMinutes: z.number().int(),
});

export const planAdminProcedures = {
  /** A proposal of routes for the day: nothing is assigned until applyPlan. */
  planDay: adminProcedure
    .input(dayInput)
    .output(checkedOutput(dayPlan))
    .mutation(({ ctx, input }) => planDay(ctx.db, input)),
  /** Assigns each placement through the same path as admin.assign, in the order given; refusals are reported. */
  applyPlan: adminProcedure
    .input(
      z.object({
        placements: z
          .array(
            z.object({
              jobId: jobIdSchema,
              proId: proIdSchema,
              /** The planned stop's start: the visit is placed there when the day still allows it. */
              start: z.iso.datetime({ message: 'start must be an ISO date-time in UTC' }).optional(),
            }),
          )
          .min(1)
          .max(1000),
      }),
    )
    .output(
      checkedOutput(
        z.object({
          results: z.array(
            z.object({
              jobId: z.string(),
              proId: z.string(),
              applied: z.boolean(),
              assignmentId: z.string().optional(),
              reason: z.string().optional(),
            }),
          ),
          applied: z.number().int(),
          refused: z.number().int(),
        }),
      ),
    )
    .mutation(({ ctx, input }) => applyDayPlan(ctx.db, input.placements, { userId: ctx.viewer.userId, role: 'admin' }, ctx.clock.now())),
};

export const planJobsProcedures = {
  /** The pro's stops that day in route order (the next first), with ETAs and drive minutes. */
  myDay: proProcedure
    .input(z.object({ date: scheduleFields.date }))
    .output(
      checkedOutput(
        z.object({
          date: z.string(),
          timezone: z.string(),
          stops: z.array(dayStop),
          completed: z.array(dayStop),
          driveMinutes: z.number().int(),
        }),
      ),
    )
    .query(({ ctx, input }) => myDay(ctx.db, ctx.viewer.userId, input.date, ctx.clock.now())),
};
