/**
 * What a newcomer hit (issue 11) on the storefront: each test fails on the code before the fix.
 * Screenshots of the changed screens at phone width go to artifacts/newcomer/ (always; gitignored).
 */
import { type Locator, type Page } from '@playwright/test';
import { expect, test } from '@h2s/e2e-config/test';
import { addToCart, chicagoBuyer, signInByEmail, startCheckout } from './support';

const PHONE = { width: 390, height: 844 };
const artifact = (page: Page, name: string) => page.screenshot({ path: `../../artifacts/newcomer/${name}-390x844.png`, fullPage: true });

async function box(locator: Locator) {
  const b = await locator.boundingBox();
  if (!b) throw new Error('not visible');
  return b;
}

test('Back from the payment page keeps the checkout form, and the payment page shows the service address', async ({ page }) => {
  await page.setViewportSize(PHONE);
  const buyer = { ...chicagoBuyer(), street: '1060 W Addison St', zip: '60613' };
  await addToCart(page, 'TV Mounting — up to 65"');
  await startCheckout(page, buyer);

  const address = page.getByRole('region', { name: 'Service address' });
  await expect(address).toContainText('1060 W Addison St');
  await expect(address).toContainText('Chicago, IL 60613');
  await artifact(page, 'payment-page');

  await page.goBack();
  await expect(page).toHaveURL(/\/cart/);
  await expect(page.getByLabel('Full name')).toHaveValue(buyer.name);
  await expect(page.getByLabel('Email')).toHaveValue(buyer.email);
  await expect(page.getByLabel('Street address')).toHaveValue(buyer.street);
  await expect(page.getByLabel('ZIP code')).toHaveValue(buyer.zip);
  await expect(page.getByLabel('State')).toHaveValue('IL');
});

test('an unpaid order in the account offers "Complete payment", which leads back to paying it', async ({ page }) => {
  const buyer = chicagoBuyer();
  await addToCart(page, 'TV Mounting — up to 65"');
  await startCheckout(page, buyer);
  const paymentUrl = new URL(page.url()).pathname;

  // The customer walks away, then signs in to their account by email later.
  await page.goto('/account');
  await signInByEmail(page, buyer.email);
  await expect(page).toHaveURL('/account');

  await page.setViewportSize(PHONE);
  const order = page.getByRole('article').first();
  await expect(order.getByText('Waiting for payment')).toBeVisible();
  await expect(order).toContainText(/This checkout stays open until .+, then it expires and leaves this\s+list\./);
  await artifact(page, 'account-unpaid-order');
  await order.getByRole('link', { name: /Complete payment/ }).click();
  await expect(page).toHaveURL(paymentUrl);
  await page.getByRole('button', { name: /^Pay/ }).click();
  await expect(page).toHaveURL(/\/success\?session_id=cs_test_/);
});

test.describe('in Chicago time', () => {
  test.use({ timezoneId: 'America/Chicago' });

  test("the dev outbox shows times in the reader's own zone, as every other page does", async ({ page }) => {
    await page.goto('/account');
    await page.getByLabel('Email').fill('jordan@example.com');
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await page.getByRole('link', { name: 'dev outbox' }).click();
    // On the outbox before reloading it (a reload while the click's navigation is pending reloads the account).
    await expect(page).toHaveURL(/\/dev\/outbox/);
    const mail = page.getByRole('listitem').filter({ hasText: 'To jordan@example.com' }).first();
    // The worker sends the link a moment after the request: the outbox shows it once it is sent.
    await expect(async () => {
      await page.reload();
      await expect(mail).toBeVisible({ timeout: 1_000 });
    }).toPass({ timeout: 20_000 });
    await expect(mail).toContainText(/\d{1,2}:\d{2}\s?(AM|PM) C[SD]T/);
    await expect(mail).not.toContainText('UTC');
    await page.setViewportSize(PHONE);
    await artifact(page, 'dev-outbox');
  });
});

test('tap targets are at least 24 px, and the "Added" message stays clear of the quantity select', async ({ page }) => {
  await page.setViewportSize(PHONE);
  await page.goto('/');
  await page.getByRole('article').first().getByRole('link').first().click();
  await expect(page).toHaveURL(/\/bundles\//);
  await page.getByLabel('Quantity').selectOption('2');
  await page.getByRole('button', { name: 'Add to cart' }).click();
  const added = page.getByText(/^Added 2 × /);
  await expect(added).toBeVisible();
  const select = await box(page.getByLabel('Quantity'));
  const message = await box(added);
  const overlap = Math.min(select.y + select.height, message.y + message.height) - Math.max(select.y, message.y);
  const sideBySide = Math.min(select.x + select.width, message.x + message.width) - Math.max(select.x, message.x);
  expect(overlap <= 0 || sideBySide <= 0, `select ${JSON.stringify(select)} overlaps message ${JSON.stringify(message)}`).toBe(true);
  await artifact(page, 'bundle-added');

  // "your account" on the success page.
  await startCheckout(page, chicagoBuyer());
  await page.getByRole('button', { name: /^Pay/ }).click();
  await expect(page).toHaveURL(/\/success\?session_id=cs_test_/);
  const accountLink = page.getByRole('link', { name: 'your account' });
  await expect(accountLink).toBeVisible();
  expect((await box(accountLink)).height).toBeGreaterThanOrEqual(24);
  await artifact(page, 'success');
});
