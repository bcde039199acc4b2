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

/**
 * What axe's rules depend on, at this width: every element's tag, its attribute names, the values of
 * those that change what it is or how it looks (class, role, aria-*, type, hidden, style, tabindex...),
 * whether each id is unique and each id reference (for, aria-labelledby, aria-describedby...) finds its
 * element, and whether it holds text. Two states alike in all that (the same page with other names,
 * times or prices) get the same key, so a state is analysed once. Digits in values are ignored, but never
 * at the cost of a broken reference or a duplicate id looking like a sound one.
 */
async function stateKey(page: Page): Promise<string> {
  const shape = await page.evaluate(() => {
    const kept = /^(class|role|aria-.*|type|hidden|style|tabindex|lang|alt|title|open|disabled|inert|dir)$/;
    const references = /^(for|aria-(labelledby|describedby|controls|owns|activedescendant|flowto|details|errormessage))$/;
    const ids = new Map<string, number>();
    for (const el of document.querySelectorAll('[id]')) ids.set(el.id, (ids.get(el.id) ?? 0) + 1);
    let hash = 0x811c9dc5;
    const add = (text: string) => {
      for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
    };
    const shapeOf = (attr: Attr) => {
      if (attr.name === 'id') return `id:${ids.get(attr.value) === 1 ? 'unique' : 'repeated'}`;
      if (references.test(attr.name)) {
        const found = attr.value
          .split(/\s+/)
          .filter(Boolean)
          .map((id) => (ids.get(id) === 1 ? '1' : '0'));
        return `${attr.name}->${found.join('')}`;
      }
      return kept.test(attr.name) ? `${attr.name}=${attr.value.replace(/\d+/g, '0')}` : attr.name;
    };
    for (const el of document.querySelectorAll('*')) {
      add(el.tagName);
      for (const attr of el.attributes) add(shapeOf(attr));
      add([...el.childNodes].some((n) => n.nodeType === 3 && n.textContent!.trim()) ? 'T' : '-');
    }
    return `${(hash >>> 0).toString(16)}:${document.querySelectorAll('*').length}`;
  });
  return `${page.viewportSize()?.width ?? 0}:${shape}`;
}

/** What each state key was found to have, in this worker process. */
const known = new Map<string, string[]>();

/**
 * The violations on the page as it is, one line each: "rule (impact): selector, selector". A state
 * already analysed (see stateKey) answers at once with what was found then.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  const before = running.get(page) ?? Promise.resolve();
  const run = before
    .catch(() => {})
    .then(async () => {
      const key = await stateKey(page);
      const seen = known.get(key);
      if (seen) return seen;
      const { violations } = await new AxeBuilder({ page })
        .withTags(AXE_TAGS)
        .options({ resultTypes: ['violations'] })
        .analyze();
      const found = violations.map(
        (v) => `${v.id} (${v.impact ?? 'n/a'}): ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
      );
      // Kept only when the page did not change while axe ran: the findings then belong to that key.
      if ((await stateKey(page)) === key) known.set(key, found);
      return found;
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
