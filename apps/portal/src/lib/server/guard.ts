import type { Viewer } from '@h2s/api/server';
import { idPatternSource } from '@h2s/db/ids';

/** Where a signed-in person starts. */
export const homeFor = (viewer: Pick<Viewer, 'role'>) => (viewer.role === 'admin' ? '/admin' : '/offers');

const PUBLIC = /^\/(login|logout)(\/|$)/;
const JOB_PAGE = new RegExp(`^/jobs/(${idPatternSource('job')})$`);

/**
 * Which page a request should see instead, if any: no session → sign-in (coming back afterwards);
 * a pro on dispatch pages or an admin on a pro's pages → their own side of the portal.
 */
export function redirectFor(viewer: Viewer | null, url: URL): string | null {
  const path = url.pathname;
  if (PUBLIC.test(path)) return null;
  if (!viewer) return path === '/' ? '/login' : `/login?next=${encodeURIComponent(path + url.search)}`;
  if (viewer.role === 'customer') return '/login';
  if (path === '/') return homeFor(viewer);
  if (path.startsWith('/admin') && viewer.role !== 'admin') return '/offers';
  if (viewer.role === 'admin') {
    const job = JOB_PAGE.exec(path);
    if (job) return `/admin/jobs/${job[1]}`;
    if (path.startsWith('/offers') || path.startsWith('/jobs')) return '/admin';
    if (path === '/availability') return '/admin/pros';
  }
  return null;
}

/** Any control character (tab, newline, DEL, C1): browsers drop some of them from a Location. */
const hasControl = (text: string) => [...text].some((c) => c.charCodeAt(0) < 0x20 || (c.charCodeAt(0) >= 0x7f && c.charCodeAt(0) <= 0x9f));
/** Any origin works for resolving: only whether the result stays on it matters. */
const HERE = 'https://portal.invalid';

/**
 * A `next` parameter we will follow: a path that, resolved against this site, stays on it and holds
 * no control character (`/%09/evil.example` arrives as "/\t/evil.example", which a browser reads as
 * `//evil.example`); anything else goes to the role's home.
 */
export function safeNext(next: string | null, viewer: Pick<Viewer, 'role'>): string {
  if (!next || !next.startsWith('/') || hasControl(next)) return homeFor(viewer);
  let url: URL;
  try {
    url = new URL(next, HERE);
  } catch {
    return homeFor(viewer);
  }
  const path = `${url.pathname}${url.search}${url.hash}`;
  // The path as resolved must itself be one a browser reads as a path (`/.//evil` resolves to `//evil`).
  if (url.origin !== HERE || !path.startsWith('/') || path.startsWith('//') || path.startsWith('/\\')) return homeFor(viewer);
  if (path.startsWith('/login') || path.startsWith('/logout')) return homeFor(viewer);
  // A pro sent to a dispatch page (or the reverse) would only bounce; go home instead.
  const adminPage = path.startsWith('/admin');
  if (adminPage !== (viewer.role === 'admin') && !(path.startsWith('/jobs/') && viewer.role === 'admin')) return homeFor(viewer);
  return path;
}
