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

/** A `next` parameter we will follow: a path on this site, never another origin. */
export function safeNext(next: string | null, viewer: Pick<Viewer, 'role'>): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return homeFor(viewer);
  if (next.startsWith('/login') || next.startsWith('/logout')) return homeFor(viewer);
  // A pro sent to a dispatch page (or the reverse) would only bounce; go home instead.
  const adminPage = next.startsWith('/admin');
  if (adminPage !== (viewer.role === 'admin') && !(next.startsWith('/jobs/') && viewer.role === 'admin')) return homeFor(viewer);
  return next;
}
