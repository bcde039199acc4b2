import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { createSession, customerOfCheckout, deleteSession, login, SESSION_TTL_MS } from '../domain/auth';
import { notFound } from '../domain/errors';
import { publicProcedure, sessionIdInput, type Context } from '../trpc';

const user = z.object({ id: z.string(), role: z.enum(['customer', 'pro', 'admin']), name: z.string() });

function setSessionCookie(ctx: Context, token: string) {
  ctx.cookies.set(ctx.sessionCookie, token, { maxAgeSeconds: Math.floor(SESSION_TTL_MS / 1000) });
}

export const authRouter = {
  login: publicProcedure
    .input(z.object({ email: z.string().trim().min(1, 'Email is required').max(254), password: z.string().min(1, 'Password is required').max(200) }))
    .output(z.object({ user }))
    .mutation(async ({ ctx, input }) => {
      const { viewer, session } = await login(ctx.db, input.email, input.password, ctx.clock.now());
      // A fresh token on every sign-in: a cookie planted before sign-in (fixation) is never promoted.
      const previous = ctx.cookies.get(ctx.sessionCookie);
      if (previous) await deleteSession(ctx.db, previous);
      setSessionCookie(ctx, session.token);
      return { user: { id: viewer.userId, role: viewer.role, name: viewer.name } };
    }),
  logout: publicProcedure.output(z.object({ ok: z.literal(true) })).mutation(async ({ ctx }) => {
    const token = ctx.cookies.get(ctx.sessionCookie);
    if (token) await deleteSession(ctx.db, token);
    ctx.cookies.delete(ctx.sessionCookie);
    return { ok: true as const };
  }),
  me: publicProcedure
    .output(z.object({ user: user.extend({ email: z.string() }).nullable() }))
    .query(({ ctx }) => ({
      user: ctx.viewer ? { id: ctx.viewer.userId, role: ctx.viewer.role, name: ctx.viewer.name, email: ctx.viewer.email } : null,
    })),
  /** The success page: whoever holds the checkout session id becomes that order's customer here. */
  checkoutSession: publicProcedure
    .input(z.object({ sessionId: sessionIdInput }))
    .output(z.object({ user }))
    .mutation(async ({ ctx, input }) => {
      const customer = await customerOfCheckout(ctx.db, input.sessionId);
      if (!customer) throw notFound('Order');
      const user = { id: customer.userId, role: customer.role, name: customer.name };
      if (ctx.viewer?.userId === customer.userId) return { user };
      const session = await createSession(ctx.db, customer.userId, ctx.clock.now());
      setSessionCookie(ctx, session.token);
      return { user };
    }),
} satisfies TRPCRouterRecord;
