import { expect, test } from '@h2s/e2e-config/test';
import {
  addToCart,
  chicagoBuyer,
  dateIn,
  dayLabel,
  makeJpeg,
  makePng,
  pickDay,
  screenshots,
  signInByEmail,
  slotText,
  startCheckout,
} from './support';

const ZONE = 'America/Chicago';

test('a homeowner buys a bundle, schedules it, adds photos and reschedules from their account', async ({ page }) => {
  const buyer = chicagoBuyer();

  // Buy through the built-in test checkout.
  await addToCart(page, 'TV Mounting — up to 65"');
  await startCheckout(page, buyer);
  await expect(page.getByRole('note')).toContainText('TEST PAYMENT');
  await expect(page.getByRole('note')).toContainText('nothing is charged');
  await expect(page.getByRole('table')).toContainText('TV Mounting — up to 65"');
  await expect(page.getByRole('table')).toContainText('$149.00');
  await screenshots(page, 'test-checkout');
  await page.getByRole('button', { name: /^Pay/ }).click();

  // The success page confirms the order and, once the payment lands, offers scheduling.
  await expect(page).toHaveURL(/\/success\?session_id=cs_test_/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Thank you, Morgan! Your order is confirmed.');
  const summary = page.getByRole('complementary');
  await expect(summary).toContainText('233 S Wacker Dr');
  await expect(summary).toContainText('Chicago, IL 60606');
  await expect(summary).toContainText('$149.00');
  await expect(page.getByText(/^ORD-[A-Z2-7]{8}$/).first()).toBeVisible();
  // The cart was bought: it is empty now.
  await expect(page.getByRole('link', { name: /^Cart/ })).toContainText('0');

  // Schedule: timezone comes from the ZIP; pick a day four days out with the keyboard.
  await expect(page.getByLabel('Timezone')).toHaveValue(ZONE);
  const calendar = page.getByRole('grid');
  const today = dateIn(ZONE, 0);
  const target = dateIn(ZONE, 4);
  await expect(calendar.getByRole('gridcell', { name: dayLabel(dateIn(ZONE, -1)) })).toHaveAttribute('aria-disabled', 'true');
  await calendar.getByRole('gridcell', { name: dayLabel(today) }).focus();
  for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowRight');
  await expect(calendar.getByRole('gridcell', { name: dayLabel(target) })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(calendar.getByRole('gridcell', { name: dayLabel(target) })).toHaveAttribute('aria-selected', 'true');
  await page.getByRole('radio', { name: '12pm - 3pm' }).check();
  await screenshots(page, 'success-schedule-picker');
  await page.getByRole('button', { name: 'Confirm time' }).click();
  const booked = slotText(target, '12pm - 3pm', ZONE);
  await expect(page.getByText(booked)).toBeVisible();

  // Photos: two real images at once, then a duplicate and a text file dressed as a JPEG.
  const png = makePng(48, 32, [30, 90, 160]);
  const jpeg = await makeJpeg(page, '#c0562b');
  await page.getByLabel('Add photos').setInputFiles([
    { name: 'living-room-wall.png', mimeType: 'image/png', buffer: png },
    { name: 'outlet.jpg', mimeType: 'image/jpeg', buffer: jpeg },
  ]);
  const photos = page.getByRole('list', { name: 'Your photos' }).getByRole('listitem');
  await expect(photos).toHaveCount(2);
  await expect(page.getByRole('img', { name: 'living-room-wall.png' })).toBeVisible();
  await expect(page.getByRole('img', { name: 'outlet.jpg' })).toBeVisible();
  await expect(page.getByText('2 of 12 added.')).toBeVisible();

  await page.getByLabel('Add photos').setInputFiles([{ name: 'same-wall-again.png', mimeType: 'image/png', buffer: png }]);
  const adding = page.getByRole('list', { name: /Photos being added/ });
  await expect(adding.getByRole('listitem').filter({ hasText: 'same-wall-again.png' })).toContainText('Already uploaded');

  await page
    .getByLabel('Add photos')
    .setInputFiles([{ name: 'notes.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('not a photo, just text\n') }]);
  await expect(adding.getByRole('listitem').filter({ hasText: 'notes.jpg' })).toContainText(
    'This file is not a JPEG, PNG, WebP or HEIC image',
  );
  await expect(photos).toHaveCount(2);

  // Everything came from the server: a reload shows the same slot and the same two photos.
  await page.reload();
  await expect(page.getByText(booked)).toBeVisible();
  await expect(photos).toHaveCount(2);
  for (const name of ['living-room-wall.png', 'outlet.jpg']) {
    const img = page.getByRole('img', { name });
    await expect(img).toBeVisible();
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBeGreaterThan(0);
  }
  await expect(adding).toHaveCount(0);
  await screenshots(page, 'success');

  // The checkout opened this one order; the account needs proof of the mailbox: the emailed link.
  await page.getByRole('link', { name: 'My orders' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your orders');
  await expect(page.getByText('Sign in with the emailed link to see all your orders.')).toBeVisible();
  await signInByEmail(page, buyer.email);

  // The account page: the order, its slot in words, and a reschedule.
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('My orders');
  const order = page.getByRole('article').first();
  await expect(order.getByText('Scheduled', { exact: true })).toBeVisible();
  await expect(order.getByText(booked)).toBeVisible();
  await screenshots(page, 'account');

  await order.getByText(/^Reschedule/).click();
  const later = dateIn(ZONE, 6);
  await pickDay(order, later);
  await order.getByRole('radio', { name: '3pm - 6pm' }).check();
  await order.getByRole('button', { name: 'Save new time' }).click();
  const rebooked = slotText(later, '3pm - 6pm', ZONE);
  await expect(order.getByText(rebooked)).toBeVisible();
  await expect(order.getByText('Rescheduled')).toBeVisible();

  // Photos are there too, and one can be taken back.
  await order.getByText(/^Photos \(2\)/).click();
  await order.getByRole('button', { name: 'Remove outlet.jpg' }).click();
  await expect(order.getByRole('list', { name: 'Your photos' }).getByRole('listitem')).toHaveCount(1);
  await page.reload();
  await expect(page.getByRole('article').first().getByText(rebooked)).toBeVisible();
  await expect(
    page
      .getByRole('article')
      .first()
      .getByText(/^Photos \(1\)/),
  ).toBeVisible();
});

test('the success page waits for the payment and updates by itself when it lands', async ({ page, context }) => {
  await addToCart(page, 'Whole-Home Wi-Fi Mesh');
  await startCheckout(page, chicagoBuyer());
  const sessionId = page.url().split('/').pop()!;

  // Opened before paying (as when Stripe's webhook is slower than the redirect).
  const success = await context.newPage();
  await success.goto(`/success?session_id=${sessionId}`);
  await expect(success.getByRole('heading', { level: 1 })).toHaveText('Almost there, Morgan');
  await expect(success.getByText('Waiting for payment')).toBeVisible();
  await expect(success.getByText('Confirming your payment…')).toBeVisible();
  await expect(success.getByRole('grid')).toHaveCount(0);

  await page.getByRole('button', { name: /^Pay/ }).click();
  await expect(page).toHaveURL(/\/success\?session_id=/);

  await expect(success.getByRole('heading', { level: 1 })).toHaveText('Thank you, Morgan! Your order is confirmed.');
  await expect(success.getByText('Waiting to be scheduled')).toBeVisible();
  await expect(success.getByRole('grid')).toBeVisible();
  await expect(success.getByLabel('Add photos')).toBeAttached();
  // Opening the page signed nobody in (a link must not sign a visitor in to someone's order).
  expect((await context.cookies()).filter((c) => c.name.includes('customer_session'))).toEqual([]);
});

test('a visitor following a success link sees that order only: the account still asks for the emailed link', async ({ page, browser }) => {
  await addToCart(page, 'Whole-Home Wi-Fi Mesh');
  await startCheckout(page, chicagoBuyer());
  await page.getByRole('button', { name: /^Pay/ }).click();
  await expect(page).toHaveURL(/\/success\?session_id=/);
  const link = page.url();

  const stranger = await browser.newContext();
  const visitor = await stranger.newPage();
  await visitor.goto(link);
  await expect(visitor.getByRole('heading', { level: 1 })).toHaveText('Thank you, Morgan! Your order is confirmed.');
  expect((await stranger.cookies()).filter((c) => c.name.includes('customer_session'))).toEqual([]);
  await visitor.goto('/account');
  await expect(visitor.getByRole('heading', { level: 1 })).toHaveText('Your orders');
  await expect(visitor.getByText('Morgan')).toHaveCount(0);
  await stranger.close();
});
