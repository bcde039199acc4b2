/**
 * Accessibility on every run: axe-core's WCAG 2.0/2.1 A and AA rules over the page as it is now,
 * at phone (390 px) and desktop widths. A violation fails the test, naming the rule and the nodes.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
export const AXE_WIDTHS = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 800 } } as const;

/** axe refuses a second run in a page while one is under way: runs in one page wait for each other. */
const running = new WeakMap<Page, Promise<unknown>>();

/** The violations on the page as it is, one line each: "rule (impact): selector, selector". */
export async function axeViolations(page: Page): Promise<string[]> {
  const before = running.get(page) ?? Promise.resolve();
  const run = before
    .catch(() => {})
    .then(async () => {
      const { violations } = await new AxeBuilder({ page })
        .withTags(AXE_TAGS)
        .options({ resultTypes: ['violations'] })
        .analyze();
      return violations.map((v) => `${v.id} (${v.impact ?? 'n/a'}): ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    });
  running.set(page, run);
  return run;
}

/**
 * Asserts zero violations at both widths, then restores the viewport. `label` names the page state
 * in the failure message.
 */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  const original = page.viewportSize();
  try {
    for (const [name, size] of Object.entries(AXE_WIDTHS)) {
      await page.setViewportSize(size);
      expect(await axeViolations(page), `axe: ${label} at ${name} width`).toEqual([]);
    }
  } finally {
    if (original) await page.setViewportSize(original);
  }
}
