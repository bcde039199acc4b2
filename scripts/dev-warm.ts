/**
 * `pnpm dev`'s warm-up: before it says the apps are ready, it loads each app's first page the way a
 * browser would (the server-rendered HTML, then every module it imports, transitively). Vite then has
 * already discovered and pre-bundled the dependencies and transformed the modules, so the first real
 * page load is served from its caches instead of waiting for discovery (and a reload when a
 * dependency turns up late).
 */

/** Static and dynamic import specifiers, and the modules a page preloads. */
const IMPORTS =
  /(?:^|[;\s}])(?:import|export)\s*(?:[\w*{}\s,$]*?\bfrom\s*)?["']([^"'\n]+)["']|\bimport\(\s*["']([^"'\n]+)["']\s*\)|<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g;

function importsOf(source: string, base: URL): URL[] {
  const found: URL[] = [];
  for (const match of source.matchAll(IMPORTS)) {
    const specifier = match[1] ?? match[2] ?? match[3];
    // Only what the dev server serves: absolute paths and relative ones (bare names are already rewritten).
    if (!specifier || !/^(\/|\.\.?\/)/.test(specifier) || specifier.startsWith('//')) continue;
    const url = new URL(specifier, base);
    if (url.origin === base.origin) found.push(url);
  }
  return found;
}

/** Waits until the server answers at all (Vite listens before it prints "ready"). */
export async function waitForServer(url: string, timeoutMs = 180_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fetch(url, { method: 'HEAD' });
      return;
    } catch (error) {
      if (Date.now() > until) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** Loads a page and every module it reaches; returns how many modules that was. */
export async function warmPage(pageUrl: string, concurrency = 6): Promise<number> {
  const page = new URL(pageUrl);
  // A request Vite never answers must not hold `pnpm dev`'s ready line back for ever.
  const limit = () => AbortSignal.timeout(60_000);
  const html = await (await fetch(page, { headers: { accept: 'text/html' }, signal: limit() })).text();
  const seen = new Set<string>();
  const queue = importsOf(html, page);
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const key = next.pathname + next.search;
      if (seen.has(key)) continue;
      seen.add(key);
      const response = await fetch(next, { headers: { accept: '*/*' }, signal: limit() }).catch(() => null);
      if (!response?.ok) continue;
      const type = response.headers.get('content-type') ?? '';
      const body = await response.text();
      // Pre-bundled dependencies are files on disk, served as they are: their text (comments, strings
      // that look like imports) is not followed.
      if (type.includes('javascript') && !next.pathname.includes('/.vite/deps/')) queue.push(...importsOf(body, next));
    }
  };
  // Modules found while others load join the queue; run rounds until nothing new turns up.
  while (queue.length) await Promise.all(Array.from({ length: concurrency }, worker));
  return seen.size;
}
