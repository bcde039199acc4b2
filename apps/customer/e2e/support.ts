/** Shared steps and test data for the customer app's browser tests. */
import { expect, type Locator, type Page } from '@playwright/test';
import { expectAccessible } from '@h2s/e2e-config/axe';

/** A genuine PNG: a width×height RGB image with a diagonal gradient on the given colour. */
export { gradientPng as makePng } from '@h2s/e2e-config/png';

export const SCREENSHOT_DIR = 'test-results/screenshots';
export const VIEWPORTS = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 800 } } as const;

/** Full-page screenshots at phone and desktop sizes, after axe finds nothing at either; leaves the page at desktop size. */
export async function screenshots(page: Page, name: string) {
  await expectAccessible(page, name);
  for (const [label, size] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(size);
    await page.screenshot({ path: `${SCREENSHOT_DIR}/${name}-${label}-${size.width}x${size.height}.png`, fullPage: true });
  }
}

/** A genuine JPEG, drawn on a canvas by the browser itself. */
export async function makeJpeg(page: Page, colour: string): Promise<Buffer> {
  const dataUrl = await page.evaluate((fill) => {
    const canvas = document.createElement('canvas');
    canvas.width = 96;
    canvas.height = 64;
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = fill;
    ctx.fillRect(0, 0, 96, 64);
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(20, 16, 40, 24);
    return canvas.toDataURL('image/jpeg', 0.9);
  }, colour);
  return Buffer.from(dataUrl.split(',')[1]!, 'base64');
}

/** Today's date in a timezone, plus some days, as YYYY-MM-DD. */
export function dateIn(timezone: string, plusDays: number): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(),
  );
  const d = new Date(`${today}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + plusDays);
  return d.toISOString().slice(0, 10);
}

/** How the calendar names a day: "Tuesday, January 13, 2026". */
export const dayLabel = (date: string) =>
  new Intl.DateTimeFormat('en-US', { weekday: 'long', month: 'long', day: 'numeric', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(`${date}T12:00:00Z`),
  );

/** How a booked visit reads, at the home: "Tue, Jan 13, 12pm–3pm CST at the home". */
export const slotText = (date: string, window: string, zone: string) => {
  const noon = new Date(`${date}T18:00:00Z`);
  const day = new Intl.DateTimeFormat('en-US', { weekday: 'short', month: 'short', day: 'numeric', timeZone: 'UTC' }).format(noon);
  const abbr = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'short' })
    .formatToParts(noon)
    .find((p) => p.type === 'timeZoneName')!.value;
  return `${day}, ${window.replace(' - ', '–')} ${abbr} at the home`;
};

export interface Buyer {
  name: string;
  email: string;
  phone: string;
  street: string;
  city: string;
  state: string;
  zip: string;
}

export const chicagoBuyer = (): Buyer => ({
  name: 'Morgan Rivera',
  email: `morgan+${Date.now().toString(36)}@example.com`,
  phone: '312-555-0188',
  street: '233 S Wacker Dr',
  city: 'Chicago',
  state: 'Illinois',
  zip: '60606',
});

export async function addToCart(page: Page, bundleName: string) {
  await page.goto('/');
  const card = page.getByRole('article', { name: bundleName });
  await card.getByRole('button', { name: /add to cart/i }).click();
  await expect(card.getByText(/in your cart/)).toBeVisible();
}

export async function fillCheckout(page: Page, buyer: Buyer) {
  await page.getByLabel('Full name').fill(buyer.name);
  await page.getByLabel('Email').fill(buyer.email);
  await page.getByLabel('Phone').fill(buyer.phone);
  await page.getByLabel('Street address').fill(buyer.street);
  await page.getByLabel('City').fill(buyer.city);
  await page.getByLabel('State').selectOption({ label: buyer.state });
  await page.getByLabel('ZIP code').fill(buyer.zip);
}

/** From a filled cart to the test checkout page. */
export async function startCheckout(page: Page, buyer: Buyer) {
  await page.goto('/cart');
  await expect(page.getByRole('list', { name: 'Items in your cart' })).toBeVisible();
  await fillCheckout(page, buyer);
  await page.getByRole('button', { name: 'Continue to payment' }).click();
  await expect(page).toHaveURL(/\/checkout\/test\/cs_test_/);
}

/** Clicks a day in a schedule picker's calendar, paging forward a month when it is not shown yet. */
export async function pickDay(scope: Locator | Page, date: string) {
  const cell = scope.getByRole('grid').getByRole('gridcell', { name: dayLabel(date) });
  for (let i = 0; i < 4 && !(await cell.count()); i++) await scope.getByRole('button', { name: 'Next month' }).click();
  await cell.click();
  await expect(cell).toHaveAttribute('aria-selected', 'true');
}

/**
 * On the account page's sign-in form: asks for the emailed link, opens it from the dev outbox once the
 * worker has sent it, and signs in. Waits for the outbox before reloading it (a reload while the click's
 * navigation is pending would reload the account page instead).
 */
export async function signInByEmail(page: Page, email: string) {
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
  await page.getByRole('link', { name: 'dev outbox' }).click();
  await expect(page).toHaveURL(/\/dev\/outbox/);
  const link = page
    .getByRole('listitem')
    .filter({ hasText: `To ${email}` })
    .filter({ hasText: 'sign-in link' })
    .first()
    .getByRole('link', { name: /\/account\/signin\// });
  await expect(async () => {
    await page.reload();
    await expect(link).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await link.click();
  await page.getByRole('button', { name: 'Sign in' }).click();
}
