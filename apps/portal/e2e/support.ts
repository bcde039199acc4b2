/**
 * What the portal's browser tests arrange over plain HTTP: sign-ins, pros, and customer bookings
 * that go through the customer app's real checkout, webhook and scheduling.
 */
import { expect, type Page } from '@playwright/test';
import { expectAccessible } from '@h2s/e2e-config/axe';

export * from '@h2s/e2e-config/api';
export { solidPng } from '@h2s/e2e-config/png';

export async function signIn(page: Page, who: { email: string; password: string }) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).not.toHaveURL(/\/login/);
}

/** Waits until the page's live connection is up, so a change made next is not missed. */
export async function expectLive(page: Page) {
  await expect(page.getByRole('status').filter({ hasText: /^Live$/ })).toBeVisible();
}

/** Marks the document; `expectNoReload` fails if the page was reloaded or navigated since. */
export async function markDocument(page: Page) {
  await page.evaluate(() => ((window as unknown as { __e2eMark: boolean }).__e2eMark = true));
}
export async function expectNoReload(page: Page) {
  expect(await page.evaluate(() => (window as unknown as { __e2eMark?: boolean }).__e2eMark === true)).toBe(true);
}

export const SCREENSHOTS = 'test-results/screenshots';
export const VIEWPORTS = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'desk', width: 1280, height: 800 },
] as const;

/** Full-page screenshots of the current page at phone and desk sizes, after axe finds nothing at either. */
export async function screenshots(page: Page, name: string) {
  await expectAccessible(page, name);
  for (const viewport of VIEWPORTS) {
    await page.setViewportSize({ width: viewport.width, height: viewport.height });
    await page.screenshot({ path: `${SCREENSHOTS}/${name}-${viewport.width}x${viewport.height}.png`, fullPage: true });
  }
}

/** SQL on the e2e database (its URL comes from the serve script through E2E_DB_FILE), for what only time would do. */
export async function sqlOnE2eDatabase<T>(run: (sql: import('postgres').Sql) => Promise<T>): Promise<T> {
  const { readFileSync } = await import('node:fs');
  const { default: postgres } = await import('postgres');
  const sql = postgres(readFileSync(process.env.E2E_DB_FILE!, 'utf8').trim(), { max: 1, onnotice: () => {} });
  try {
    return await run(sql);
  } finally {
    await sql.end();
  }
}

/** A phone-width screenshot kept with the repository's artifacts (what each dispatch rule looks like). */
export async function artifact(page: Page, name: string) {
  await expectAccessible(page, name);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `../../artifacts/${name}.png`, fullPage: true });
}
