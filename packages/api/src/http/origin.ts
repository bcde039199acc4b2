/**
 * The same-origin rule for mutations (CSRF), both HTTP paths (issue 20, item 6): the request's Origin
 * must be this site's whole origin, scheme, host and port, not only its host. `site` is this site's
 * origin (`https://shop.example.com`) or, where the scheme is not known (no ORIGIN, a bare Host
 * header), its host alone.
 */
export function sameOriginAs(origin: string, site: string | undefined): boolean {
  if (!site) return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  return site.includes('://') ? url.origin === new URL(site).origin : url.host === site;
}
