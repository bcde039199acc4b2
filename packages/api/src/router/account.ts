import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { checkoutExpiresAt, checkoutLapsed } from '../domain/abandoned-checkouts';
import { completionNotesOf } from '../domain/completion-notes';
import { SESSION_TTL_MS } from '../domain/auth';
import { createSignInToken, redeemSignInToken } from '../domain/customer-access';
import { ordersForCustomer } from '../domain/job-queries';
import { trackingPathsOf } from '../domain/tracking';
import { devOutbox, sendMail } from '../domain/mail';
import { devTextOutbox } from '../domain/sms/outbox';
import { addressBucket, spendAttempt, type RateLimit } from '../domain/rate-limit';
import { uploadViewsForJobs } from '../domain/uploads';
import { accountProcedure, checkedOutput, publicProcedure } from '../trpc';
import { orderWithUploads } from './outputs';

const LINK_WINDOW_MS = 15 * 60 * 1000;
/** A mailbox gets at most 3 links per 15 minutes; one address may ask for 10 (any emails). */
export const SIGN_IN_LINKS_PER_EMAIL = 3;
export const SIGN_IN_LINKS_PER_ADDRESS = 10;
const signInLinkLimits = (email: string, clientIp: string | null): RateLimit[] => [
  { bucket: `sign-in-link:email:${email.trim().toLowerCase()}`, max: SIGN_IN_LINKS_PER_EMAIL, windowMs: LINK_WINDOW_MS },
  { bucket: addressBucket('sign-in-link', clientIp), max: SIGN_IN_LINKS_PER_ADDRESS, windowMs: LINK_WINDOW_MS },
];

/** An order as its customer's account lists it; an unpaid one says where to complete payment, and until when. */
const accountOrder = orderWithUploads.extend({
  paymentUrl: z.string().nullable().optional(),
  paymentExpiresAt: z.string().optional(),
  /** The tracking page (the link every email carries); null until paid. */
  trackingPath: z.string().nullable(),
  /** The pro's notes for the customer, once the job is completed. */
  completionNotes: z.string().nullable(),
});

export const accountRouter = {
  orders: accountProcedure.output(checkedOutput(z.object({ orders: z.array(accountOrder) }))).query(async ({ ctx }) => {
    const now = ctx.clock.now();
    // Expired, failed and lapsed checkouts leave the list: nothing was charged, nothing is left to do.
    const orders = (await ordersForCustomer(ctx.db, ctx.viewer.userId)).filter(
      (order) => order.paymentStatus === 'paid' || (order.paymentStatus === 'pending' && !checkoutLapsed(new Date(order.createdAt), now)),
    );
    const jobIds = orders.flatMap((order) => (order.job ? [order.job.jobId] : []));
    const uploads = await uploadViewsForJobs(ctx, jobIds);
    const notes = await completionNotesOf(ctx.db, jobIds);
    const tracking = await trackingPathsOf(
      ctx.db,
      ctx,
      orders.map((order) => order.orderId),
    );
    return {
      orders: await Promise.all(
        orders.map(async (order) => ({
          ...order,
          uploads: (order.job && uploads.get(order.job.jobId)) || [],
          trackingPath: tracking.get(order.orderId) ?? null,
          completionNotes: (order.job && notes.get(order.job.jobId)) || null,
          ...(order.paymentStatus === 'pending'
            ? {
                paymentUrl: await ctx.payments.resumeUrl(order.sessionId),
                paymentExpiresAt: checkoutExpiresAt(new Date(order.createdAt)).toISOString(),
              }
            : {}),
        })),
      ),
    };
  }),
  /** Emails a one-time sign-in link. The answer is the same whether or not the email has orders. */
  requestLink: publicProcedure
    .input(z.object({ email: z.email('Enter a valid email address').max(254) }))
    .output(checkedOutput(z.object({ sent: z.literal(true) })))
    .mutation(async ({ ctx, input }) => {
      const now = ctx.clock.now();
      // Counted whether or not the email has an account, so the answer still says nothing about it.
      await spendAttempt(ctx.db, signInLinkLimits(input.email, ctx.clientIp), now, 'Too many sign-in links requested.');
      const link = await createSignInToken(ctx.db, input.email, now);
      if (link) {
        const url = `${ctx.customerOrigin}/account/signin/${link.token}`;
        await sendMail(
          ctx.db,
          input.email,
          'Your Home2Smart sign-in link',
          `Hi ${link.name},\n\nSign in to see your orders: ${url}\n\nThe link works once, for 30 minutes.`,
          now,
          {
            viaWorker: ctx.mailViaWorker,
          },
        );
      }
      return { sent: true as const };
    }),
  redeemLink: publicProcedure
    .input(z.object({ token: z.string().min(20).max(100) }))
    .output(checkedOutput(z.object({ ok: z.boolean() })))
    .mutation(async ({ ctx, input }) => {
      const session = await redeemSignInToken(ctx.db, input.token, ctx.clock.now());
      if (!session) return { ok: false };
      ctx.cookies.set(ctx.sessionCookie, session.token, { maxAgeSeconds: Math.floor(SESSION_TTL_MS / 1000) });
      return { ok: true };
    }),
  /** Development only: the mail and texts the app would have sent. */
  outbox: publicProcedure
    .output(
      checkedOutput(
        z.object({
          emails: z.array(
            z.object({
              id: z.number(),
              toAddress: z.string(),
              subject: z.string(),
              body: z.string(),
              idempotencyKey: z.string().nullable(),
              createdAt: z.string(),
            }),
          ),
          texts: z.array(
            z.object({
              id: z.number(),
              toPhone: z.string(),
              kind: z.string(),
              status: z.string(),
              body: z.string(),
              createdAt: z.string(),
            }),
          ),
        }),
      ),
    )
    .query(async ({ ctx }) => {
      if (!ctx.development) return { emails: [], texts: [] };
      return { emails: await devOutbox(ctx.db), texts: await devTextOutbox(ctx.db, ctx) };
    }),
} satisfies TRPCRouterRecord;
