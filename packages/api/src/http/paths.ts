/**
 * Request paths that cannot be read (issue 20, item 1): `/%`, `/offers/%E0%A4%A`. SvelteKit answers
 * them 400 itself, but only after the app's `handle` ran, and a redirect thrown there for such a path
 * escaped every handler and ended the process. Both apps refuse them first. The decoded path, or null.
 */
export function decodedPath(pathname: string): string | null {
  // The result is returned (not only tried): a bundler drops a `decodeURI` call whose value is unused.
  try {
    return decodeURI(pathname);
  } catch {
    return null;
  }
}

export const BAD_PATH_MESSAGE = 'Bad request: this address could not be read (it is not valid percent-encoding).';

/** The 400 page for an unreadable path: plain, no script, nothing from the request echoed back. */
export const badPathPage = () =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Bad request</title></head><body><main><h1>Bad request</h1><p>${BAD_PATH_MESSAGE}</p><p><a href="/">Go to the home page</a></p></main></body></html>`;
