import { expect, test } from '@h2s/e2e-config/test';
import { addToCart, chicagoBuyer, fillCheckout, screenshots, startCheckout } from './support';

test('the storefront lists every bundle with its price and what it includes', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Smart home installs, booked in minutes');
  const bundles = page.getByRole('article');
  // Five one-pro bundles and the two-pro masonry mount (issue 25).
  await expect(bundles).toHaveCount(6);

  const tvMount = page.getByRole('article', { name: 'TV Mounting — up to 65"' });
  await expect(tvMount.getByText('$149.00')).toBeVisible();
  await expect(tvMount.getByRole('list', { name: "What's included" }).getByRole('listitem')).toHaveText([
    'Low-profile tilting mount',
    'Stud-finding and level install',
    'Cable tidy kit',
    'Mount and screen test',
  ]);
  await expect(page.getByRole('link', { name: /^Cart/ })).toContainText('0');
  await screenshots(page, 'storefront');

  await tvMount.getByRole('link', { name: /Details/ }).click();
  await expect(page).toHaveURL('/bundles/tv-mount-standard');
  await expect(page.getByRole('heading', { name: 'What your pro brings' })).toBeVisible();
  await expect(page.getByText('Tilting TV mount (32-65")')).toBeVisible();
});

test('the cart keeps its bundles across reloads and totals them', async ({ page }) => {
  await addToCart(page, 'TV Mounting — up to 65"');
  await addToCart(page, 'Whole-Home Wi-Fi Mesh');
  await expect(page.getByRole('link', { name: /^Cart/ })).toContainText('2');

  await page.getByRole('link', { name: /^Cart/ }).click();
  const lines = page.getByRole('list', { name: 'Items in your cart' }).getByRole('listitem');
  await expect(lines).toHaveCount(2);
  await expect(page.getByText('Total')).toBeVisible();
  await expect(page.locator('.cart-total')).toContainText('$328.00');

  await page.getByLabel('Quantity of Whole-Home Wi-Fi Mesh').selectOption('2');
  await expect(page.locator('.cart-total')).toContainText('$507.00');
  await page.reload();
  await expect(page.getByLabel('Quantity of Whole-Home Wi-Fi Mesh')).toHaveValue('2');
  await expect(page.locator('.cart-total')).toContainText('$507.00');

  await page.getByRole('button', { name: 'Remove Whole-Home Wi-Fi Mesh' }).click();
  await expect(lines).toHaveCount(1);
  await expect(page.locator('.cart-total')).toContainText('$149.00');
  await expect(page.getByRole('link', { name: /^Cart/ })).toContainText('1');
});

test('checkout shows the API’s field errors next to each input and keeps what was typed', async ({ page }) => {
  await addToCart(page, 'Smart Home Starter');
  await page.goto('/cart');
  await expect(page.getByRole('list', { name: 'Items in your cart' })).toBeVisible();
  await fillCheckout(page, { ...chicagoBuyer(), email: 'morgan-at-example', zip: '6060' });
  await page.getByRole('button', { name: 'Continue to payment' }).click();

  const email = page.getByLabel('Email');
  const zip = page.getByLabel('ZIP code');
  await expect(email).toHaveAttribute('aria-invalid', 'true');
  await expect(email).toHaveAccessibleDescription(/Enter a valid email address/);
  await expect(zip).toHaveAttribute('aria-invalid', 'true');
  await expect(zip).toHaveAccessibleDescription('Enter a 5-digit ZIP code');
  await expect(page.getByRole('alert')).toContainText('Please check 2 fields');
  // What the customer typed is still there, and valid fields are not flagged.
  await expect(email).toHaveValue('morgan-at-example');
  await expect(page.getByLabel('Full name')).toHaveValue('Morgan Rivera');
  await expect(page.getByLabel('Full name')).not.toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('State')).toHaveValue('IL');
  await expect(email).toBeFocused();

  // A ZIP in another state: the API names the state field.
  await email.fill('morgan@example.com');
  await zip.fill('90210');
  await page.getByRole('button', { name: 'Continue to payment' }).click();
  await expect(page.getByLabel('State')).toHaveAccessibleDescription('ZIP 90210 is in CA, not IL');
  await expect(email).not.toHaveAttribute('aria-invalid', 'true');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: 'test-results/screenshots/checkout-errors-phone-390x844.png', fullPage: true });
});

test('cancelling the test checkout returns to the cart with the bundles still in it', async ({ page }) => {
  await addToCart(page, 'Security Cameras — 4 pack');
  await startCheckout(page, chicagoBuyer());
  await expect(page.getByText(/TEST PAYMENT/)).toBeVisible();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page).toHaveURL('/cart?checkout=cancelled');
  await expect(page.getByRole('status').filter({ hasText: 'Checkout was cancelled' })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Items in your cart' }).getByRole('listitem')).toHaveCount(1);
});
