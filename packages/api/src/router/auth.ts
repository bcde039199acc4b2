import { announceSessionEnd } from '../domain/session-end';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { createSession, deleteSession, hashToken, login, SESSION_TTL_MS } from '../domain/auth';
import { checkoutGrant, customerMayAccessOrder } from '../domain/customer-access';
import { checkedOutput, type Context, publicProcedure, sessionIdInput } from '../trpc';

const user = z.object({ id: z.string(), role: z.enum(['customer', 'pro', 'admin']), name: z.string() });

function setSessionCookie(ctx: Context, token: string) {
  ctx.cookies.set(ctx.sessionCookie, token, { maxAgeSeconds: Math.floor(SESSION_TTL_MS / 1000) });
}

export const authRouter = {
  login: publicProcedure
    .input(
      z.object({
        email: z.string().trim().min(1, 'Email is required').max(254),
        password: z.string().min(1, 'Password is required').max(200),
      }),
    )
    .output(checkedOutput(z.object({ user })))
    .mutation(async ({ ctx, input }) => {
      const { viewer, session } = await login(ctx.db, input.email, input.password, ctx.clock.now(), ctx.clientIp);
      // A fresh token on every sign-in: a cookie planted before sign-in (fixation) is never promoted.
      const previous = ctx.cookies.get(ctx.sessionCookie);
      if (previous) await deleteSession(ctx.db, previous);
      setSessionCookie(ctx, session.token);
      return { user: { id: viewer.userId, role: viewer.role, name: viewer.name } };
    }),
  logout: publicProcedure.output(checkedOutput(z.object({ ok: z.literal(true) }))).mutation(async ({ ctx }) => {
    const token = ctx.cookies.get(ctx.sessionCookie);
    if (token) {
      await deleteSession(ctx.db, token);
      // Its open live streams end too, here and in every other process: a signed-out browser must stop receiving dispatch changes.
      ctx.streams.end(hashToken(token));
      await announceSessionEnd(ctx.db, hashToken(token));
    }
    ctx.cookies.delete(ctx.sessionCookie);
    return { ok: true as const };
  }),
  me: publicProcedure.output(checkedOutput(z.object({ user: user.extend({ email: z.string() }).nullable() }))).query(({ ctx }) => ({
    user: ctx.viewer ? { id: ctx.viewer.userId, role: ctx.viewer.role, name: ctx.viewer.name, email: ctx.viewer.email } : null,
  })),
  /**
   * The success page's POST: whoever holds a paid checkout's session id is signed in to that one
   * order (its schedule and photos) until 24 hours after payment. Never the rest of the account.
   */
  checkoutSession: publicProcedure
    .input(z.object({ sessionId: sessionIdInput }))
    .output(checkedOutput(z.object({ user, orderId: z.string(), expiresAt: z.string() })))
    .mutation(async ({ ctx, input }) => {
      const now = ctx.clock.now();
      const grant = await checkoutGrant(ctx.db, input.sessionId, now);
      const orderId = grant.viewer.scopeOrderId!;
      const user = { id: grant.viewer.userId, role: grant.viewer.role, name: grant.viewer.name };
      const current = ctx.viewer;
      // Already signed in to this order (its grant, or the whole account): nothing to mint.
      if (current && customerMayAccessOrder(current, { id: orderId, customerUserId: grant.viewer.userId })) {
        return { user, orderId, expiresAt: grant.expiresAt.toISOString() };
      }
      const previous = ctx.cookies.get(ctx.sessionCookie);
      if (previous) await deleteSession(ctx.db, previous);
      const session = await createSession(ctx.db, grant.viewer.userId, now, { scopeOrderId: orderId, expiresAt: grant.expiresAt });
      ctx.cookies.set(ctx.sessionCookie, session.token, {
        maxAgeSeconds: Math.max(1, Math.floor((grant.expiresAt.getTime() - now.getTime()) / 1000)),
      });
      return { user, orderId, expiresAt: grant.expiresAt.toISOString() };
    }),
} satisfies TRPCRouterRecord;
