/** Headers every response of both apps carries, pages and API alike (one list: @h2s/ui's hook uses it too). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  // No MIME sniffing, no referrer to other sites, no framing.
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
};

/** Production over HTTPS: browsers refuse plain HTTP to this host for two years. */
export const HSTS = 'max-age=63072000; includeSubDomains';

/** The security headers, with Strict-Transport-Security when the app is served over HTTPS. */
export const securityHeaders = (hsts: boolean): Record<string, string> =>
  hsts ? { ...SECURITY_HEADERS, 'strict-transport-security': HSTS } : { ...SECURITY_HEADERS };
