/**
 * adapter-node with this project's production defaults built in, so `node apps/<app>/build` is right
 * with no extra flags (issue 10):
 * - BODY_SIZE_LIMIT defaults to what the app needs (a 10 MB photo and its envelope) instead of
 *   adapter-node's 512K; an operator's own BODY_SIZE_LIMIT still wins. The API refuses larger bodies
 *   itself, before reading them, with a tRPC-shaped `413 PAYLOAD_TOO_LARGE` (packages/api/src/server.ts).
 * - A refused configuration (ConfigError, packages/api/src/config.ts) prints its list and exits 1
 *   before any port is bound, instead of a stack trace.
 * - WEB_CONCURRENCY (default 1) worker processes share the port via node:cluster (issue 13).
 * - Single API calls are answered by the API's node:http hot path before SvelteKit sees them
 *   (packages/api/src/http/node-trpc.ts; the app's `init` hook offers it on a global, see
 *   `appInit` in @h2s/ui/server). What it does not take goes on to SvelteKit as before.
 *
 * It wraps the adapter it is given (the apps pass `adapter()` from their own @sveltejs/adapter-node):
 * after adapter-node has written the build, its entry moves to `server.js` and a small `index.js`
 * sets the defaults first, then imports it.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * @param {import('@sveltejs/kit').Adapter} nodeAdapter adapter-node, as `adapter({ out })` returns it
 * @param {{ out?: string, bodySizeLimit: number }} options the build directory (adapter-node's `out`) and the default body limit in bytes
 * @returns {import('@sveltejs/kit').Adapter}
 */
export default function withProductionDefaults(nodeAdapter, { out = 'build', bodySizeLimit }) {
  return {
    ...nodeAdapter,
    name: `${nodeAdapter.name}+h2s`,
    async adapt(builder) {
      await nodeAdapter.adapt(builder);
      renameSync(join(out, 'index.js'), join(out, 'server.js'));
      if (existsSync(join(out, 'index.js.map'))) renameSync(join(out, 'index.js.map'), join(out, 'server.js.map'));
      writeFileSync(join(out, 'index.js'), entry(bodySizeLimit));
      const server = readFileSync(join(out, 'server.js'), 'utf8');
      if (!server.includes(POLKA_CHAIN)) {
        throw new Error(
          `tooling/sveltekit/adapter.js: adapter-node's entry no longer contains "${POLKA_CHAIN}", so the API hot path cannot go in front of SvelteKit. Update HOT_PATH's splice for the new adapter-node.`,
        );
      }
      writeFileSync(join(out, 'server.js'), server.replace(POLKA_CHAIN, `polka({ server: httpServer }).use(${HOT_PATH}, handler)`));
      builder.log.minor(`Wrote ${join(out, 'index.js')}: BODY_SIZE_LIMIT defaults to ${bodySizeLimit} bytes`);
    },
  };
}

/** Where adapter-node's entry hands every request to SvelteKit. */
const POLKA_CHAIN = 'polka({ server: httpServer }).use(handler)';
/** A polka middleware: the hot path answers what it takes (returns true), the rest goes on to SvelteKit. */
const HOT_PATH = `(req, res, next) => { const hot = globalThis[Symbol.for('h2s.nodeHandler')]; if (!hot || !hot(req, res)) next(); }`;

/** @param {number} limit */
const entry = (limit) => `// Written by tooling/sveltekit/adapter.js after adapter-node; see that file for why.
import cluster from 'node:cluster';
import process from 'node:process';

// adapter-node reads BODY_SIZE_LIMIT as its handler loads, so the default goes in first.
process.env.BODY_SIZE_LIMIT ||= '${limit}';

// WEB_CONCURRENCY (default 1): worker processes sharing the port through node:cluster. Each worker
// is a whole app with its own database pool and its own LISTEN connection, so live job changes
// (PostgreSQL NOTIFY) reach the streams of every worker.
const raw = process.env.WEB_CONCURRENCY?.trim() || '1';
const workers = /^[0-9]+$/.test(raw) ? Number(raw) : NaN;
if (!(workers >= 1 && workers <= 256)) {
  console.error(\`WEB_CONCURRENCY must be a whole number from 1 to 256 (worker processes per app), not "\${raw}".\`);
  process.exit(1);
}

if (workers > 1 && cluster.isPrimary) {
  // The primary only hands connections to the workers. A worker that exits takes the app down with
  // its code (a refused configuration exits every worker with 1 before any port is bound), as one
  // process would: the supervisor that started the app decides about restarts.
  let stopping = false;
  const stop = (code) => {
    if (stopping) return;
    stopping = true;
    process.exitCode = code;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
  };
  for (let i = 0; i < workers; i++) cluster.fork();
  let listening = 0;
  cluster.on('listening', (_worker, address) => {
    if (++listening === workers) console.log(\`[cluster] \${workers} workers listening on port \${address.port}\`);
  });
  cluster.on('exit', (_worker, code, signal) => {
    stop(code ?? (signal ? 1 : 0));
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit();
  });
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));
} else {
  try {
    await import('./server.js');
  } catch (error) {
    if (error && error.name === 'ConfigError') {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}
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
