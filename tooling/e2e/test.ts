/**
 * The `test` every browser spec imports (`import { expect, test } from '@h2s/e2e-config/test'`):
 * Playwright's own, plus an automatic accessibility check of the pages a test leaves open and the states it marks.
 *
 * - At the end of the test, every page still open in any context the test used (its own, and those
 *   from `browser.newContext()`): axe's WCAG 2.0/2.1 A and AA rules at phone (390 px) and desktop
 *   (1280 px) widths; and wherever a test calls `await analysed(page)` (or `expectAccessible`).
 * - With AXE_EVERY_STATE=1, also after each page load or navigation (full loads and SvelteKit's
 *   client-side ones), once the page has settled, at the width the page has then.
 *
 * Any violation fails the test, naming the rule, the nodes, the URL and the width. A state already
 * found clean (the same structure at the same width, see axe.ts) is not analysed twice in one worker. A
 * state the test leaves before its analysis is done goes unanalysed; `await analysed(page)` first
 * where that matters.
 */
import { test as base, expect, type BrowserContext, type Page } from '@playwright/test';
import { AXE_WIDTHS, axeViolations } from './axe';

export { expect };

/**
 * AXE_EVERY_STATE=1: also analyse each state in the background as the test reaches it. Off by default:
 * a background analysis holds the page's main thread for seconds at moments the test does not choose (it
 * lost races and outran navigations in timing-sensitive tests), and it made the suites too slow for CI.
 */
const EVERY_STATE = process.env.AXE_EVERY_STATE === '1';

/** Quiet time after a navigation before the page is analysed (hydration, client-side data). */
const SETTLE_MS = 250;

/** Errors that mean the state went away before axe finished (navigated on, closed): nothing to report. */
const GONE = /Execution context was destroyed|Target page, context or browser has been closed|Target closed|frame was detached|navigat/i;

/** One page's checks, run one at a time (axe refuses to run twice at once in a page). */
class PageWatch {
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  /** States already reported in this test (one message per state, however often it is visited). */
  private readonly reported = new Set<string>();

  /** Settles when the page closes: a check under way in a closed page is not waited for. */
  private readonly closed: Promise<void>;

  constructor(
    readonly page: Page,
    private readonly found: string[],
  ) {
    this.closed = new Promise((resolve) =>
      page.once('close', () => {
        if (this.timer) clearTimeout(this.timer);
        this.timer = null;
        resolve();
      }),
    );
    if (EVERY_STATE) {
      page.on('framenavigated', (frame) => {
        if (frame === page.mainFrame()) this.schedule();
      });
      page.on('load', () => this.schedule());
    }
  }

  private schedule() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.enqueue(() => this.check());
    }, SETTLE_MS);
  }

  enqueue(run: () => Promise<void>): Promise<void> {
    this.chain = this.chain.then(run, run);
    return this.chain;
  }

  /** Waits for a scheduled check to start and every queued one to finish. */
  async drain(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
      this.enqueue(() => this.check());
    }
    // A page closed while axe ran in it (a context the test closed) has nothing left to analyse.
    await Promise.race([this.chain, this.closed]);
  }

  async check(label = ''): Promise<void> {
    const { page } = this;
    if (page.isClosed() || page.url() === 'about:blank') return;
    try {
      // A page still loading after 10 s (a stalled request) is analysed as it is.
      await page.waitForLoadState('load', { timeout: 10_000 }).catch(() => {});
      const url = page.url();
      const t0 = Date.now();
      const violations = await axeViolations(page);
      if (process.env.AXE_TIMING) console.log(`[axe] ${Date.now() - t0} ms ${url} ${page.viewportSize()?.width}${label}`);
      const where = `${url.replace(/\?.*/, '')} at ${page.viewportSize()?.width ?? '?'} px`;
      const seen = `${where}: ${violations.join(' | ')}`;
      // One message per state, however often the test comes back to it.
      if (violations.length && !this.reported.has(seen)) {
        this.reported.add(seen);
        this.found.push(`${where}${label}:\n  ${violations.join('\n  ')}`);
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // Runs in the background: an unexpected error is reported with the test, never left unhandled.
      if (!GONE.test(message) && !page.isClosed()) this.found.push(`${page.url()}${label}: axe could not run: ${message}`);
    }
  }

  /** The end-of-test check: the page as it is, at both widths; the viewport is restored after. */
  async checkAtBothWidths(): Promise<void> {
    if (this.page.isClosed()) return;
    await this.drain();
    if (this.page.isClosed()) return;
    const ended = this.enqueue(async () => {
      const { page } = this;
      if (page.isClosed()) return;
      const original = page.viewportSize();
      try {
        for (const [name, size] of Object.entries(AXE_WIDTHS)) {
          await page.setViewportSize(size);
          await this.check(` (${name}, end of test)`);
        }
      } finally {
        if (original && !page.isClosed()) await page.setViewportSize(original).catch(() => {});
      }
    });
    await Promise.race([ended, this.closed]);
  }
}

/** Each watched page's checks, for `analysed`. */
const watchOf = new WeakMap<Page, PageWatch>();

/**
 * Waits until the page as it is now has been analysed (a test about to leave a state within moments
 * of reaching it, that wants it checked, says so).
 */
export async function analysed(page: Page): Promise<void> {
  const watch = watchOf.get(page);
  if (!watch) return;
  // Without background analysis, this is where the state is analysed.
  if (!EVERY_STATE) void watch.enqueue(() => watch.check());
  await watch.drain();
}

function watchContext(context: BrowserContext, watches: PageWatch[], found: string[]): void {
  const watch = (page: Page) => {
    const pageWatch = new PageWatch(page, found);
    watchOf.set(page, pageWatch);
    watches.push(pageWatch);
  };
  context.pages().forEach(watch);
  context.on('page', watch);
}

export const test = base.extend<{ axeEveryState: void }>({
  axeEveryState: [
    async ({ context, browser }, use, testInfo) => {
      const found: string[] = [];
      const watches: PageWatch[] = [];
      watchContext(context, watches, found);
      // Contexts the test opens itself (`browser.newContext()`) are watched too, for this test only, and
      // closed after the check (Playwright leaves them open for the worker's life, their pages still watched).
      const opened: BrowserContext[] = [];
      const onContext = (other: BrowserContext) => {
        opened.push(other);
        watchContext(other, watches, found);
      };
      browser.on('context', onContext);
      try {
        await use();
      } finally {
        browser.off('context', onContext);
      }
      try {
        // A test that already failed reports that; a clean run is checked to the end, at both widths.
        if (testInfo.errors.length) return;
        for (const watch of watches) await watch.checkAtBothWidths();
        expect(found, `axe found violations in ${found.length} page state(s)`).toEqual([]);
      } finally {
        await Promise.all(opened.map((other) => other.close().catch(() => {})));
      }
    },
    // The end-of-test analysis has its own time, on top of the test's.
    { auto: true, timeout: 90_000 },
  ],
});
