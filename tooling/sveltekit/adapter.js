/**
 * adapter-node with this project's production defaults built in, so `node apps/<app>/build` is right
 * with no extra flags (issue 10):
 * - BODY_SIZE_LIMIT defaults to what the app needs (10 MB photos for the storefront) instead of
 *   adapter-node's 512K; an operator's own BODY_SIZE_LIMIT still wins.
 * - A request declaring a body over the limit gets `413 PAYLOAD_TOO_LARGE` in tRPC's error shape,
 *   never adapter-node's plain-text 400.
 * - A refused configuration (ConfigError, see packages/api/src/config.ts) prints its list and exits 1
 *   before any port is bound.
 *
 * It wraps the adapter it is given (the apps pass `adapter()` from their own @sveltejs/adapter-node)
 * and, after it has written the build, puts a small handler.js in front of adapter-node's own.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * @param {import('@sveltejs/kit').Adapter} nodeAdapter adapter-node, as `adapter({ out })` returns it
 * @param {{ out?: string, bodySizeLimit: number, tooLargeMessage: string }} options the build directory (adapter-node's `out`),
 *   the body limit in bytes, and what a refused request is told
 * @returns {import('@sveltejs/kit').Adapter}
 */
export default function withProductionDefaults(nodeAdapter, { out = 'build', bodySizeLimit, tooLargeMessage }) {
  return {
    ...nodeAdapter,
    name: `${nodeAdapter.name}+h2s`,
    async adapt(builder) {
      await nodeAdapter.adapt(builder);
      const handler = join(out, 'handler.js');
      const kitHandler = join(out, 'kit-handler.js');
      if (!readFileSync(handler, 'utf8').includes('kit-handler.js')) renameSync(handler, kitHandler);
      writeFileSync(handler, entry(bodySizeLimit, tooLargeMessage));
      builder.log.minor(`Wrapped ${handler}: BODY_SIZE_LIMIT defaults to ${bodySizeLimit} bytes`);
    },
  };
}

/** @param {number} limit @param {string} message */
const entry = (limit, message) => `// Written by tooling/sveltekit/adapter.js after adapter-node; see that file for why.
import process from 'node:process';

const LIMIT = ${limit};
// adapter-node reads BODY_SIZE_LIMIT when its handler loads, so the default goes in first.
process.env.BODY_SIZE_LIMIT ||= String(LIMIT);
const limit = parseLimit(process.env.BODY_SIZE_LIMIT) ?? LIMIT;

function parseLimit(value) {
  const match = /^(\\d+(?:\\.\\d+)?)([KMG]?)$/i.exec(String(value).trim());
  if (!match) return value === 'Infinity' ? Infinity : null;
  return Number(match[1]) * ({ '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 })[match[2].toUpperCase()];
}

let kit;
try {
  kit = await import('./kit-handler.js');
} catch (error) {
  if (error && error.name === 'ConfigError') {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

const tooLarge = JSON.stringify({
  error: {
    message: ${JSON.stringify(message)},
    code: -32600,
    data: { code: 'PAYLOAD_TOO_LARGE', httpStatus: 413 },
  },
});

export const handler = (req, res, next) => {
  const length = Number(req.headers['content-length']);
  if (Number.isFinite(length) && length > limit) {
    res.writeHead(413, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(tooLarge), connection: 'close' });
    res.end(tooLarge);
    req.resume();
    return;
  }
  return kit.handler(req, res, next);
};
`;

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
