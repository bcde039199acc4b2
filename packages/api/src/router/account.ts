import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { desc, outboundEmails } from '@h2s/db';
import { createSignInToken, redeemSignInToken, SESSION_TTL_MS } from '../domain/auth';
import { ordersForCustomer } from '../domain/jobs';
import { sendMail } from '../domain/mail';
import { uploadViewsForJob } from '../domain/uploads';
import { customerProcedure, publicProcedure } from '../trpc';
import { orderWithUploads } from './outputs';

export const accountRouter = {
  orders: customerProcedure.output(z.object({ orders: z.array(orderWithUploads) })).query(async ({ ctx }) => {
    const orders = await ordersForCustomer(ctx.db, ctx.viewer.userId);
    return {
      orders: await Promise.all(orders.map(async (order) => ({ ...order, uploads: order.job ? await uploadViewsForJob(ctx, order.job.jobId) : [] }))),
    };
  }),
  /** Emails a one-time sign-in link. The answer is the same whether or not the email has orders. */
  requestLink: publicProcedure
    .input(z.object({ email: z.email('Enter a valid email address').max(254) }))
    .output(z.object({ sent: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      const now = ctx.clock.now();
      const link = await createSignInToken(ctx.db, input.email, now);
      if (link) {
        const url = `${ctx.customerOrigin}/account/signin/${link.token}`;
        await sendMail(ctx.db, input.email, 'Your Home2Smart sign-in link', `Hi ${link.name},\n\nSign in to see your orders: ${url}\n\nThe link works once, for 30 minutes.`, now, {
          viaWorker: ctx.mailViaWorker,
        });
      }
      return { sent: true as const };
    }),
  redeemLink: publicProcedure
    .input(z.object({ token: z.string().min(20).max(100) }))
    .output(z.object({ ok: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      const session = await redeemSignInToken(ctx.db, input.token, ctx.clock.now());
      if (!session) return { ok: false };
      ctx.cookies.set(ctx.sessionCookie, session.token, { maxAgeSeconds: Math.floor(SESSION_TTL_MS / 1000) });
      return { ok: true };
    }),
  /** Development only: the mail the app would have sent. */
  outbox: publicProcedure.query(async ({ ctx }) => {
    if (!ctx.development) return { emails: [] };
    const emails = await ctx.db.select().from(outboundEmails).orderBy(desc(outboundEmails.id)).limit(20);
    return { emails: emails.map((e) => ({ ...e, createdAt: e.createdAt.toISOString() })) };
  }),
} satisfies TRPCRouterRecord;
