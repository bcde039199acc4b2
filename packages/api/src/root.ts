import { accountRouter } from './router/account';
import { adminRouter } from './router/admin';
import { authRouter } from './router/auth';
import { catalogRouter } from './router/catalog';
import { checkoutRouter } from './router/checkout';
import { jobsRouter } from './router/jobs';
import { liveRouter } from './router/live';
import { offersRouter } from './router/offers';
import { ordersRouter } from './router/orders';
import { prosRouter } from './router/pros';
import { ratingsRouter } from './router/ratings';
import { scheduleRouter } from './router/schedule';
import { textsRouter } from './router/texts';
import { trackingRouter } from './router/tracking';
import { uploadsRouter } from './router/uploads';
import { createTRPCRouter } from './trpc';

export const appRouter = createTRPCRouter({
  account: accountRouter,
  admin: adminRouter,
  auth: authRouter,
  catalog: catalogRouter,
  checkout: checkoutRouter,
  jobs: jobsRouter,
  live: liveRouter,
  offers: offersRouter,
  orders: ordersRouter,
  pros: prosRouter,
  ratings: ratingsRouter,
  schedule: scheduleRouter,
  texts: textsRouter,
  tracking: trackingRouter,
  uploads: uploadsRouter,
});

export type AppRouter = typeof appRouter;
