/**
 * The automatic axe check itself (tooling/e2e/test.ts): each of these tests must fail, because a page
 * state it leaves behind has a violation. `test.fail()` turns that expected failure into a pass.
 */
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
