import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { JOB_STATUSES, orderIdSchema, proIdSchema } from '@h2s/db';
import { assignJob } from '../domain/job-commands';
import { assignSeat } from '../domain/crew-admin';
import { checkAssignmentRadius } from '../domain/dispatch-assignment';
import { checkAssignmentHours } from '../domain/assignment-hours';
import { jobHistory, prosWithDistance } from '../domain/dispatch-queries';
import { dispatchBoard, getJob } from '../domain/job-queries';
import { unservedDemand } from '../domain/coverage';
import { createPro, createProInput, setProSkills, skillsInput, updatePro, updateProInput } from '../domain/pros';
import { scheduleFields, scheduleOrder } from '../domain/schedule';
import { moveVisitBack } from '../domain/visit';
import { revokeTracking } from '../domain/tracking';
import { adminProcedure, checkedOutput, jobIdInput } from '../trpc';
import { jobView } from './outputs';
import { planAdminProcedures } from './plan';

export const adminRouter = {
  ...planAdminProcedures,
  /** A crew job: put a pro in a seat, or change who holds it (seat 1 leads). */
  assignSeat: adminProcedure
    .input(jobIdInput.extend({ seat: z.number().int().min(1, 'Seat must be 1 to 4').max(4, 'Seat must be 1 to 4'), proId: proIdSchema }))
    .output(
      checkedOutput(
        z.object({
          size: z.number().int(),
          confirmed: z.number().int(),
          members: z.array(z.object({ proId: z.string(), name: z.string(), seat: z.number().int(), lead: z.boolean() })),
        }),
      ),
    )
    .mutation(({ ctx, input }) => assignSeat(ctx.db, input, { userId: ctx.viewer.userId, role: 'admin' }, ctx.clock.now())),
  assign: adminProcedure
    .input(
      jobIdInput.extend({
        proId: proIdSchema,
        confirmOutsideRadius: z.boolean().optional(),
        /** Required to assign on the pro's day off or outside their hours; kept in the job's history. */
        offHoursReason: z.string().trim().min(3, 'Say why (at least 3 characters)').max(500).optional(),
        /** Start the visit as near this instant as the pro's day allows (a planned stop's start); else the cheapest place. */
        start: z.iso.datetime({ message: 'start must be an ISO date-time in UTC' }).optional(),
      }),
    )
    .output(
      checkedOutput(
        z.object({ assignmentId: z.string(), jobId: z.string(), proId: z.string(), state: z.string(), assignedAt: z.string() }),
      ),
    )
    .mutation(async ({ ctx, input }) => {
      await checkAssignmentRadius(ctx.db, input.jobId, input.proId, input.confirmOutsideRadius === true);
      const offHoursReason = await checkAssignmentHours(ctx.db, input.jobId, input.proId, input.offHoursReason);
      const admin = { userId: ctx.viewer.userId, role: 'admin' as const };
      const a = await assignJob(ctx.db, input.jobId, input.proId, admin, ctx.clock.now(), {
        ...(offHoursReason ? { note: { offHoursReason } } : {}),
        ...(input.start ? { prefer: new Date(input.start) } : {}),
      });
      return { assignmentId: a.id, jobId: a.jobId, proId: a.proId, state: a.state, assignedAt: a.assignedAt.toISOString() };
    }),
  /** One visit step back with a reason (a completed job is reopened); `from` guards a double submit. */
  moveBack: adminProcedure
    .input(
      jobIdInput.extend({
        reason: z.string().trim().min(3, 'Say why (at least 3 characters)').max(500),
        from: z.enum(JOB_STATUSES).optional(),
      }),
    )
    .output(checkedOutput(jobView))
    .mutation(async ({ ctx, input }) => {
      await moveVisitBack(
        ctx.db,
        input.jobId,
        { reason: input.reason, from: input.from },
        { userId: ctx.viewer.userId, role: 'admin' },
        ctx.clock.now(),
      );
      return getJob(ctx.db, input.jobId, ctx.viewer);
    }),
  /** Every tracking link of the order stops working; emails sent from now on carry the new one. */
  revokeTracking: adminProcedure
    .input(
      z.object({
        orderId: z
          .string()
          .trim()
          .regex(/^ORD-[A-Z2-7]{8}$/, 'Not an order id'),
      }),
    )
    .output(checkedOutput(z.object({ orderId: z.string(), trackingVersion: z.number().int() })))
    .mutation(({ ctx, input }) => revokeTracking(ctx.db, input.orderId)),
  createPro: adminProcedure
    // Onboarding names the pro's skills: at least one (the domain's default of all skills is for seeds and tests).
    .input(createProInput.extend({ skills: z.array(z.string()).min(1, 'Choose at least one skill').pipe(skillsInput) }))
    .output(checkedOutput(z.object({ proId: z.string() })))
    .mutation(({ ctx, input }) => createPro(ctx.db, input, ctx.clock.now())),
  /** Edit a pro from the pros list: name, home ZIP, radius, pause/resume, reset the password. */
  updatePro: adminProcedure
    .input(updateProInput)
    .output(
      checkedOutput(
        z.object({
          proId: z.string(),
          name: z.string(),
          postalCode: z.string(),
          serviceRadiusMiles: z.number().int(),
          active: z.boolean(),
        }),
      ),
    )
    .mutation(({ ctx, input }) => updatePro(ctx.db, input)),
  /** Edits a pro's skills (onboarding sets them with createPro). */
  setProSkills: adminProcedure
    .input(z.object({ proId: proIdSchema, skills: skillsInput }))
    .output(checkedOutput(z.object({ proId: z.string(), skills: z.array(z.string()) })))
    .mutation(({ ctx, input }) => setProSkills(ctx.db, input.proId, input.skills)),
  /** Dispatch moves a visit at any time, past the customers' cutoff and reschedule limit. */
  reschedule: adminProcedure
    .input(z.object({ orderId: orderIdSchema, ...scheduleFields }))
    .output(
      checkedOutput(
        z.object({
          orderId: z.string(),
          jobId: z.string(),
          status: z.literal('scheduled'),
          dueAt: z.string(),
          proReleased: z.boolean().optional(),
        }),
      ),
    )
    .mutation(({ ctx, input: { orderId, ...slot } }) =>
      scheduleOrder(ctx.db, { orderId }, slot, { userId: ctx.viewer.userId, role: 'admin' }, ctx.clock.now()),
    ),
  board: adminProcedure
    .input(
      z
        .object({
          status: z.enum(JOB_STATUSES).optional(),
          date: z
            .string()
            .regex(/^\d{4}-\d{2}-\d{2}$/, 'Date must look like 2026-01-15')
            .optional(),
          unassigned: z.boolean().optional(),
        })
        .default({}),
    )
    .output(checkedOutput(z.object({ jobs: z.array(jobView) })))
    .query(async ({ ctx, input }) => ({ jobs: await dispatchBoard(ctx.db, input) })),
  pros: adminProcedure
    .input(z.object({ jobId: jobIdInput.shape.jobId.optional() }).default({}))
    .output(
      checkedOutput(
        z.object({
          pros: z.array(
            z.object({
              id: z.string(),
              name: z.string(),
              email: z.string(),
              city: z.string(),
              state: z.string(),
              postalCode: z.string(),
              serviceRadiusMiles: z.number().int(),
              active: z.boolean(),
              skills: z.array(z.string()),
              distanceMiles: z.number().nullable(),
              withinRadius: z.boolean().nullable(),
            }),
          ),
        }),
      ),
    )
    .query(async ({ ctx, input }) => ({ pros: await prosWithDistance(ctx.db, input.jobId) })),
  /** Checkouts refused for coverage, by ZIP: where to recruit next. */
  unservedDemand: adminProcedure
    .output(
      checkedOutput(
        z.object({
          areas: z.array(
            z.object({ postalCode: z.string(), city: z.string(), state: z.string(), requests: z.number().int(), lastAt: z.string() }),
          ),
        }),
      ),
    )
    .query(async ({ ctx }) => ({ areas: await unservedDemand(ctx.db) })),
  history: adminProcedure
    .input(jobIdInput)
    .output(
      checkedOutput(
        z.object({
          events: z.array(
            z.object({
              id: z.number(),
              type: z.string(),
              actorRole: z.string(),
              actorName: z.string().nullable(),
              data: z.record(z.string(), z.unknown()),
              createdAt: z.string(),
            }),
          ),
        }),
      ),
    )
    .query(async ({ ctx, input }) => ({
      events: (await jobHistory(ctx.db, input.jobId)).map((e) => ({ ...e, createdAt: e.createdAt.toISOString() })),
    })),
} satisfies TRPCRouterRecord;
