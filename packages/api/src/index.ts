export { appRouter, type AppRouter } from './root';
export { createCallerFactory, type ApiDeps, type Context, type CookieJar } from './trpc';
export type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
