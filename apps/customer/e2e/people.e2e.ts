/**
 * Issue 22, "what people hit", for customers: a booking from another zone, an address nobody serves,
 * a visit inside the cutoff, a cancellation that asks first, and text typed before hydration.
 * Every page state is checked with axe at phone and desktop widths.
 */
import { type Page } from '@playwright/test';
import { expect, test } from '@h2s/e2e-config/test';
import { expectAccessible } from '@h2s/e2e-config/axe';
import { addToCart, chicagoBuyer, dateIn, fillCheckout, pickDay, signInByEmail, slotText, startCheckout, type Buyer } from './support';

const HOME = 'America/Chicago';
// The customer's browser is in New York, an hour ahead of the house in Chicago.
test.use({ timezoneId: 'America/New_York' });

async function buyAndPay(page: Page, buyer: Buyer) {
  await addToCart(page, 'TV Mounting — up to 65"');
  await startCheckout(page, buyer);
  await page.getByRole('button', { name: /^Pay/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/Your order is confirmed/);
}

async function signIn(page: Page, email: string) {
  await page.goto('/account');
  await signInByEmail(page, email);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('My orders');
}

/** The first window that starts between 1 and 23 hours from now at the home (there always is one). */
function windowInsideCutoff(): { date: string; window: string } {
  const now = Date.now();
  for (const days of [0, 1]) {
    const date = dateIn(HOME, days);
    for (const [window, hour] of [
      ['9am - 12pm', 9],
      ['12pm - 3pm', 12],
      ['3pm - 6pm', 15],
    ] as const) {
      const offset = new Intl.DateTimeFormat('en-US', { timeZone: HOME, timeZoneName: 'shortOffset' })
        .formatToParts(new Date(`${date}T12:00:00Z`))
        .find((p) => p.type === 'timeZoneName')!.value;
      const hours = Number(offset.replace('GMT', '') || 0);
      const start = Date.parse(`${date}T${String(hour).padStart(2, '0')}:00:00Z`) - hours * 3_600_000;
      if (start - now > 3_600_000 && start - now < 23 * 3_600_000) return { date, window };
    }
  }
  throw new Error('no window inside the cutoff');
}

test('a customer in another zone sees windows at the home and in their own time, then cancels after a confirmation', async ({ page }) => {
  test.setTimeout(240_000);
  const buyer = { ...chicagoBuyer(), email: `zone+${Date.now().toString(36)}@example.com` };
  await buyAndPay(page, buyer);

  // Windows are offered in the home's zone, each with the customer's own clock beside it.
  await expect(page.getByLabel('Timezone')).toHaveValue(HOME);
  await expect(page.getByRole('radio', { name: /^12pm - 3pm/ })).toHaveAccessibleName('12pm - 3pm 12pm–3pm at the home, 1pm–4pm your time');
  const day = dateIn(HOME, 4);
  await pickDay(page, day);
  await page.getByRole('radio', { name: /^12pm - 3pm/ }).check();
  await expect(page.getByTestId('visit-summary')).toHaveText(/Your visit: .*, 12pm–3pm at the home, 1pm–4pm your time\./);
  await expectAccessible(page, 'success page, schedule picker with both clocks');
  await page.getByRole('button', { name: 'Confirm time' }).click();
  await expect(page.getByText(slotText(day, '12pm - 3pm', HOME))).toBeVisible();
  const tracking = await page.getByRole('link', { name: 'Track your visit' }).getAttribute('href');

  // The account: cancelling asks first, with the amount and that it can't be undone.
  await signIn(page, buyer.email);
  const order = page.getByRole('article').first();
  await expect(order.getByText(slotText(day, '12pm - 3pm', HOME))).toBeVisible();
  await expectAccessible(page, 'account with a booked order');
  await order.getByRole('button', { name: /^Cancel this order/ }).click();
  const dialog = page.getByRole('dialog', { name: /^Cancel order ORD-/ });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText("$149.00 will be refunded to your card. This can't be undone.");
  await expectAccessible(page, 'cancel confirmation dialog');
  await dialog.getByRole('button', { name: 'Keep my order' }).click();
  await expect(dialog).toBeHidden();
  await expect(order.getByText('Scheduled', { exact: true })).toBeVisible();
  await order.getByRole('button', { name: /^Cancel this order/ }).click();
  await dialog.getByRole('button', { name: 'Yes, cancel and refund' }).click();
  await expect(order.getByText(/^Cancelled/).first()).toBeVisible();

  // The tracking page says cancelled, when, and the refund, not the old window.
  await page.goto(tracking!);
  await expect(page.getByTestId('track-headline')).toHaveText('This visit was cancelled');
  await expect(page.getByTestId('track-cancelled')).toContainText(/Cancelled .*\d/);
  await expect(page.getByTestId('track-cancelled')).toContainText('$149.00 is being refunded to your card.');
  await expect(page.getByTestId('track-window')).toBeHidden();
  await expectAccessible(page, 'tracking page of a cancelled order');
});

test('a window inside the cutoff is flagged at booking, and the account offers a phone number instead of buttons', async ({ page }) => {
  const buyer = { ...chicagoBuyer(), email: `soon+${Date.now().toString(36)}@example.com` };
  await buyAndPay(page, buyer);
  const soon = windowInsideCutoff();
  await pickDay(page, soon.date);
  await page.getByRole('radio', { name: new RegExp(`^${soon.window}`) }).check();
  await expect(page.getByText(/This visit starts within 24 hours, so once booked it can't be changed or cancelled online/)).toBeVisible();
  await page.getByRole('button', { name: 'Confirm time' }).click();
  await expect(page.getByText(slotText(soon.date, soon.window, HOME))).toBeVisible();

  await signIn(page, buyer.email);
  const order = page.getByRole('article').first();
  await expect(order).toContainText("Your visit starts within 24 hours, so it can't be rescheduled or cancelled online.");
  await expect(order).toContainText('call dispatch at (312) 555-0100');
  await expect(order.getByRole('button', { name: /^Cancel this order/ })).toHaveCount(0);
  await expect(order.getByText(/^Reschedule/)).toHaveCount(0);
  await expectAccessible(page, 'account with a visit inside the cutoff');
});

test('an address nobody serves is refused next to the ZIP code, and the customer can ask to be told', async ({ page }) => {
  await addToCart(page, 'TV Mounting — up to 65"');
  await page.goto('/cart');
  const email = `alaska+${Date.now().toString(36)}@example.com`;
  await fillCheckout(page, { ...chicagoBuyer(), email, street: '632 W 6th Ave', city: 'Anchorage', state: 'Alaska', zip: '99501' });
  await page.getByRole('button', { name: 'Continue to payment' }).click();
  await expect(page.getByLabel('ZIP code')).toHaveAccessibleDescription("We don't serve 99501 yet");
  await expect(page).toHaveURL('/cart');
  await expectAccessible(page, 'cart with an unserved ZIP code');
  await page.getByRole('button', { name: `Email ${email} when you serve 99501` }).click();
  await expect(page.getByRole('status')).toHaveText(`Thanks. We'll email ${email} as soon as we serve Anchorage, AK 99501.`);
  await expectAccessible(page, 'coverage request saved');
});

test('text typed into the cart before the page hydrates survives hydration', async ({ page }) => {
  await addToCart(page, 'TV Mounting — up to 65"');
  // Hold the app's scripts back, as a slow phone would, and type in the meantime.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/_app/immutable/**', async (route) => {
    await held;
    await route.continue();
  });
  await page.goto('/cart', { waitUntil: 'commit' });
  await page.getByLabel('Full name').fill('Typed Early');
  await page.getByLabel('Installation notes').fill('Brick wall, bring masonry bits');
  release();
  await expect(page.getByRole('list', { name: 'Items in your cart' })).toBeVisible();
  await expect(page.getByLabel('Full name')).toHaveValue('Typed Early');
  await expect(page.getByLabel('Installation notes')).toHaveValue('Brick wall, bring masonry bits');
});
