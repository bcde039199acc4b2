/**
 * adapter-node with this project's production defaults built in, so `node apps/<app>/build` is right
 * with no extra flags (issues 10, 13, 21). adapter-node writes its output, untouched, to
 * `<out>/sveltekit/`; the build's entry `<out>/index.js` is our own file (tooling/sveltekit/entry.js),
 * adapter-node's documented custom server: it imports the build's `handler.js` into the app's own
 * node:http server (packages/api/src/http/node-server.ts), which answers the API's node:http lanes
 * (tRPC, the Stripe webhook, live streams, uploads) and hands everything else to SvelteKit.
 * - BODY_SIZE_LIMIT defaults to what the app needs (a 10 MB photo and its envelope) instead of
 *   adapter-node's 512K; an operator's own BODY_SIZE_LIMIT still wins.
 * - A refused configuration (ConfigError, packages/api/src/config.ts) prints its list and exits 1
 *   before any port is bound, instead of a stack trace.
 * - WEB_CONCURRENCY (default 1) worker processes share the port via node:cluster.
 *
 * The apps pass `adapter({ out: 'build/sveltekit' })` from their own @sveltejs/adapter-node.
 */
import { copyFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the build's entry goes; adapter-node's own output is in its `sveltekit/` folder. */
const OUT = 'build';

/**
 * @param {import('@sveltejs/kit').Adapter} nodeAdapter adapter-node, as `adapter({ out: 'build/sveltekit' })` returns it
 * @param {{ bodySizeLimit: number }} options the default body limit in bytes
 * @returns {import('@sveltejs/kit').Adapter}
 */
export default function withProductionDefaults(nodeAdapter, { bodySizeLimit }) {
  return {
    ...nodeAdapter,
    name: `${nodeAdapter.name}+h2s`,
    async adapt(builder) {
      builder.rimraf(OUT); // a build of the old layout must not leave its files beside the new ones
      await nodeAdapter.adapt(builder);
      copyFileSync(join(dirname(fileURLToPath(import.meta.url)), 'entry.js'), join(OUT, 'index.js'));
      writeFileSync(join(OUT, 'defaults.json'), JSON.stringify({ bodySizeLimit }) + '\n');
      builder.log.minor(`Wrote ${join(OUT, 'index.js')}: the app's server; BODY_SIZE_LIMIT defaults to ${bodySizeLimit} bytes`);
    },
  };
}

/**
 * SvelteKit's `kit.csp` for both apps: scripts only from this origin or carrying the per-response
 * nonce SvelteKit adds to its own inline bootstrap (hashes on prerendered pages). Styles may be inline
 * (Svelte's style directives and transitions write them); nothing else is loaded from elsewhere.
 *
 * @param {{ formAction?: string[] }} [extra] further form targets (Stripe Checkout's redirect)
 * @returns {import('@sveltejs/kit').KitConfig['csp']}
 */
export function contentSecurityPolicy(extra = {}) {
  return {
    mode: 'auto',
    directives: {
      'default-src': ['self'],
      'script-src': ['self'],
      'style-src': ['self', 'unsafe-inline'],
      // blob: for the photo picker's local previews, data: for tiny inline icons.
      'img-src': ['self', 'data:', 'blob:'],
      'font-src': ['self'],
      'connect-src': ['self'],
      'object-src': ['none'],
      'base-uri': ['self'],
      'form-action': ['self', ...(extra.formAction ?? [])],
      'frame-ancestors': ['none'],
    },
  };
}
