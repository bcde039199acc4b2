/**
 * The session cookie on plain node requests (the built apps' node:http lanes, tests, the bench):
 * read with the maintained `cookie` package, written with SvelteKit's attributes so a page and an API
 * call set the same cookie.
 */
import { parseCookie, stringifySetCookie } from 'cookie';
import type { CookieJar } from '../trpc';

/** Cookies from a Cookie header; the ones set go out as Set-Cookie lines through `out`. */
export function cookieJar(header: string | null | undefined, out: { push(setCookie: string): unknown }, secure: boolean): CookieJar {
  const jar = header ? parseCookie(header) : {};
  const attributes = { path: '/', httpOnly: true, sameSite: 'lax' } as const;
  // Secure last, where SvelteKit's cookies put it too (the package would put it before SameSite).
  const line = (setCookie: string) => (secure ? `${setCookie}; Secure` : setCookie);
  return {
    get: (name) => jar[name],
    set: (name, value, { maxAgeSeconds }) => {
      jar[name] = value;
      out.push(line(stringifySetCookie({ name, value, maxAge: maxAgeSeconds, ...attributes })));
    },
    delete: (name) => {
      jar[name] = undefined;
      out.push(line(stringifySetCookie({ name, value: '', maxAge: 0, ...attributes })));
    },
  };
}

/** Cookies read from a Request and written to response headers (plain HTTP, tests). */
export function headerCookieJar(request: Request, resHeaders: Headers, secure = false): CookieJar {
  return cookieJar(request.headers.get('cookie'), { push: (setCookie) => resHeaders.append('set-cookie', setCookie) }, secure);
}
