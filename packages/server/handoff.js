// The one process-wide handoff between the SvelteKit app and the node:http server in front of it
// (the build's index.js, written by tooling/sveltekit/adapter.js): the app's `init` hook offers its
// API, the server takes it once SvelteKit's handler has loaded. Plain JavaScript, kept out of the
// SvelteKit bundle (vite.config.ts `ssr.external`), so the app and the server share this one module.

/** @type {unknown} */
let offered = null;

/** @param {unknown} server */
export function offerAppServer(server) {
  offered = server;
}

/** @returns {unknown} what the app offered, or null before its `init` ran */
export function takeAppServer() {
  return offered;
}
