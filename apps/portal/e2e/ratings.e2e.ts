/**
 * Ratings end to end: the customer rates a finished visit from the tracking page (no sign-in), the pro
 * sees it on "My jobs", dispatch sees it flagged on the Pros page.
 */
import { expect, test } from '@h2s/e2e-config/test';
import { acceptAs, ADMIN, bookJob, createPro, finishVisit, signIn, trackingUrlOf } from './support';

test('a customer rates the finished visit; the pro and dispatch see it, a low one flagged', async ({ page, browser }) => {
  const booking = await bookJob({ schedule: { inDays: 1, timeWindow: '12pm - 3pm' } });
  const pro = await createPro();
  await acceptAs(pro, booking.jobId);
  await finishVisit(pro, booking.jobId);

  const customerContext = await browser.newContext();
  const tracking = await customerContext.newPage();
  await tracking.goto(await trackingUrlOf(booking.sessionId));
  await tracking.getByTestId('track-rate').click();
  await expect(tracking.getByRole('heading', { name: 'Rate your visit' })).toBeVisible();
  await tracking.getByRole('radio', { name: /^2/ }).check();
  await tracking.getByLabel(/Comment/).fill('The bracket is crooked.');
  await tracking.getByRole('button', { name: 'Send my rating' }).click();
  await expect(tracking.getByText('Thank you! You rated the visit 2 of 5.')).toBeVisible();
  // Changed within the week: still one rating.
  await tracking.reload();
  await expect(tracking.getByTestId('rating-current')).toHaveText('You rated this visit 2 of 5.');
  await expect(tracking.getByRole('button', { name: 'Update my rating' })).toBeVisible();
  // A link with one character changed is refused.
  const forged = tracking.url().replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
  expect((await tracking.goto(forged))?.status()).toBe(404);
  await customerContext.close();

  await signIn(page, pro);
  await page.goto('/jobs');
  await expect(page.getByTestId('my-rating')).toContainText('2.0 ★');
  await expect(page.getByText('“The bracket is crooked.”')).toBeVisible();

  await page.context().clearCookies();
  await signIn(page, ADMIN);
  await page.goto('/admin/pros');
  const row = page.getByRole('row', { name: new RegExp(pro.name) });
  await expect(row.getByTestId('pro-rating')).toContainText('2.0 ★');
  await expect(row.getByTestId('pro-rating')).toContainText('1 low');
});
