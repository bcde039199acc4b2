/**
 * The automatic axe check itself (tooling/e2e/test.ts): each of these tests must fail, because a page
 * state it leaves behind has a violation. `test.fail()` turns that expected failure into a pass.
 */
import { AXE_WIDTHS } from '@h2s/e2e-config/axe';
import { analysed, expect, test } from '@h2s/e2e-config/test';

const BAD_PAGE = '<!doctype html><html lang="en"><title>Bad page</title><main><h1>Bad</h1><img src="/none.png"></main></html>';

test('a violation made after the page loaded fails the test at its end', async ({ page }) => {
  test.fail();
  await page.goto('/');
  await page.evaluate(() => document.querySelector('main')!.append(document.createElement('img')));
  await expect(page.locator('main img:not([alt])')).toHaveCount(1);
});

test('a page loaded with a violation fails the test even when the test moves on', async ({ page }) => {
  test.fail();
  await page.route('**/axe-fixture-bad-page', (route) => route.fulfill({ contentType: 'text/html', body: BAD_PAGE }));
  await page.goto('/axe-fixture-bad-page');
  await expect(page.getByRole('heading', { name: 'Bad' })).toBeVisible();
  await analysed(page);
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
});

test('a violation in a context the test opened itself fails the test, though the test checked nothing', async ({ browser }) => {
  test.fail();
  const other = await browser.newContext();
  const page = await other.newPage();
  await page.route('http://axe-fixture.test/bad', (route) => route.fulfill({ contentType: 'text/html', body: BAD_PAGE }));
  await page.goto('http://axe-fixture.test/bad');
  await expect(page.getByRole('heading', { name: 'Bad' })).toBeVisible();
});

test('a state like one already found clean, but for a label pointing at no field, is analysed again and fails', async ({ page }) => {
  test.fail();
  const form = (labelFor: string, inputId: string) =>
    `<!doctype html><html lang="en"><title>Form</title><main><h1>Form</h1><label for="${labelFor}">Name</label><input id="${inputId}"></main></html>`;
  await page.route('**/axe-fixture-form-sound', (route) => route.fulfill({ contentType: 'text/html', body: form('name-1', 'name-1') }));
  await page.route('**/axe-fixture-form-broken', (route) => route.fulfill({ contentType: 'text/html', body: form('name-2', 'name-1') }));
  await page.goto('/axe-fixture-form-sound');
  // Found clean at both widths, so a state with the same key would be answered from that finding.
  for (const size of [AXE_WIDTHS.phone, AXE_WIDTHS.desktop]) {
    await page.setViewportSize(size);
    await analysed(page);
  }
  await page.goto('/axe-fixture-form-broken');
  await expect(page.getByRole('heading', { name: 'Form' })).toBeVisible();
});
