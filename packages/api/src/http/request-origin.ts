/**
 * Who is asking and from where, as adapter-node reads it (ORIGIN, HOST_HEADER, PORT_HEADER,
 * ADDRESS_HEADER, XFF_DEPTH), for the node:http lanes that answer before SvelteKit.
 */
import type { IncomingMessage } from 'node:http';
import { sameOriginAs } from './origin';

/**
 * Mutations must come from a page of this app (CSRF): the Origin is this site's whole origin (see
 * origin.ts). Requests without Origin (curl, servers) pass unless the browser says cross-site. Both
 * HTTP paths ask this.
 */
export function fromThisSite(origin: string | null | undefined, fetchSite: string | null | undefined, site: string | undefined): boolean {
  if (!origin) return fetchSite !== 'cross-site';
  return sameOriginAs(origin, site);
}

/** This site as adapter-node sees it: ORIGIN (whole, scheme included) when set, else HOST_HEADER (and PORT_HEADER) or Host. */
export function siteHost(env: NodeJS.ProcessEnv): (headers: IncomingMessage['headers']) => string | undefined {
  if (env.ORIGIN) {
    // The whole origin, scheme included (issue 20: https://host passed for an http:// site).
    const origin = new URL(env.ORIGIN).origin;
    return () => origin;
  }
  const hostHeader = env.HOST_HEADER?.toLowerCase();
  const portHeader = env.PORT_HEADER?.toLowerCase();
  return (headers) => {
    const host = (hostHeader && (headers[hostHeader] as string | undefined)) || headers.host;
    const port = portHeader ? (headers[portHeader] as string | undefined) : undefined;
    return port && host ? `${host.replace(/:\d+$/, '')}:${port}` : host;
  };
}

/** A node request from a page of this site (see fromThisSite). */
export function sameSiteCheck(env: NodeJS.ProcessEnv): (req: IncomingMessage) => boolean {
  const site = siteHost(env);
  return (req) => fromThisSite(req.headers.origin, req.headers['sec-fetch-site'] as string | undefined, site(req.headers));
}

/** The caller's address as adapter-node's `getClientAddress` gives it (ADDRESS_HEADER, XFF_DEPTH). */
export function clientAddressReader(env: NodeJS.ProcessEnv): (req: IncomingMessage) => string | null {
  const header = env.ADDRESS_HEADER?.toLowerCase();
  if (!header) return (req) => req.socket.remoteAddress ?? null;
  const depth = Number(env.XFF_DEPTH ?? 1);
  return (req) => {
    const value = (req.headers[header] as string | undefined) ?? '';
    if (header !== 'x-forwarded-for') return value || null;
    const addresses = value.split(',');
    return depth >= 1 && depth <= addresses.length ? addresses[addresses.length - depth]!.trim() || null : null;
  };
}

export const mediaType = (value: string | undefined) => value?.split(';', 1)[0]?.trim().toLowerCase();
