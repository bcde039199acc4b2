/**
 * Texts from the customer's side: ticking "Text me updates" at checkout, then booking a time, puts the
 * booking confirmation in the dev outbox as a text to that number, with the visit's time and its
 * tracking link.
 */
import { randomInt } from 'node:crypto';
import { expect, test } from '@h2s/e2e-config/test';
import { expectAccessible } from '@h2s/e2e-config/axe';
import { addToCart, chicagoBuyer, dateIn, fillCheckout, pickDay, slotText } from './support';

const ZONE = 'America/Chicago';

test('a customer ticks "Text me updates" at checkout and the booking confirmation text reaches the dev outbox', async ({ page }) => {
  const line = String(randomInt(0, 100)).padStart(2, '0');
  const buyer = { ...chicagoBuyer(), phone: `312-555-01${line}` };
  const e164 = `+131255501${line}`;

  await addToCart(page, 'TV Mounting — up to 65"');
  await page.goto('/cart');
  await fillCheckout(page, buyer);
  const optIn = page.getByRole('checkbox', { name: /^Text me updates at this number/ });
  await expect(optIn).not.toBeChecked();
  await optIn.check();
  await expectAccessible(page, 'checkout with text updates ticked');
  await page.getByRole('button', { name: 'Continue to payment' }).click();
  await expect(page).toHaveURL(/\/checkout\/test\/cs_test_/);
  await page.getByRole('button', { name: /^Pay/ }).click();

  await expect(page).toHaveURL(/\/success\?session_id=cs_test_/);
  const day = dateIn(ZONE, 4);
  await pickDay(page, day);
  await page.getByRole('radio', { name: /^12pm - 3pm/ }).check();
  await page.getByRole('button', { name: 'Confirm time' }).click();
  await expect(page.getByText(slotText(day, '12pm - 3pm', ZONE))).toBeVisible();

  await page.goto('/dev/outbox');
  const text = page.getByRole('list', { name: 'Texts' }).getByRole('listitem').filter({ hasText: e164 }).first();
  await expect(text.getByRole('heading')).toHaveText(`Booking confirmation text to ${e164}`);
  await expect(text).toContainText('Home2Smart: your visit is booked for');
  await expect(text.getByRole('link', { name: /\/track\// })).toBeVisible();
  // Exactly one confirmation for this booking.
  await expect(
    page
      .getByRole('list', { name: 'Texts' })
      .getByRole('listitem')
      .filter({ hasText: `Booking confirmation text to ${e164}` }),
  ).toHaveCount(1);
  await expectAccessible(page, 'dev outbox with a text');
});
