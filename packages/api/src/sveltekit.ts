/**
 * The few lines both SvelteKit apps need, typed structurally so this package does not depend on
 * SvelteKit: cookies, the per-request caller, and the route handlers.
 */
import type { AppServer } from './server';
import type { CookieJar, RequestScope } from './trpc';

interface KitCookies {
  get(name: string): string | undefined;
  set(name: string, value: string, options: { path: string; httpOnly: boolean; sameSite: 'lax'; secure: boolean; maxAge: number }): void;
  delete(name: string, options: { path: string }): void;
}

export interface KitEvent {
  request: Request;
  cookies: KitCookies;
  getClientAddress(): string;
}

export function kitScope(event: KitEvent, secure: boolean): RequestScope {
  const cookies: CookieJar = {
    get: (name) => event.cookies.get(name),
    set: (name, value, { maxAgeSeconds }) =>
      event.cookies.set(name, value, { path: '/', httpOnly: true, sameSite: 'lax', secure, maxAge: maxAgeSeconds }),
    delete: (name) => event.cookies.delete(name, { path: '/' }),
  };
  let clientIp: string | null = null;
  try {
    clientIp = event.getClientAddress();
  } catch {
    // Not every adapter knows the address (prerendering); rate limits then key on the account alone.
  }
  return { cookies, clientIp };
}

/** For hooks.server.ts: the viewer and a server-side caller on `event.locals`. */
export async function resolveLocals(server: AppServer, event: KitEvent) {
  const ctx = await server.createContext(kitScope(event, server.deps.secureCookies));
  return { viewer: ctx.viewer, api: await server.callerFor(ctx) };
}

export const trpcRoute = (server: AppServer) => (event: KitEvent) =>
  server.handleTrpc(event.request, kitScope(event, server.deps.secureCookies));

export const uploadRoute = (server: AppServer) => (event: KitEvent) =>
  server.serveUpload(event.request, kitScope(event, server.deps.secureCookies));
