/**
 * The visit after "accepted", from both ends: the pro takes each step from a phone (asked first
 * when far from the booked window, and always before completing), while the customer's tracking
 * page, open in another browser with no sign-in, follows every step live without reloading.
 */
import { fileURLToPath } from 'node:url';
import { type Page } from '@playwright/test';
import { expect, test } from '@h2s/e2e-config/test';
import { acceptAs, bookJob, createPro, expectNoReload, finishVisit, markDocument, signIn, solidPng, trackingUrlOf } from './support';

/** Phone-width screenshots kept as build artifacts (repository root `artifacts/`). */
const ARTIFACTS = fileURLToPath(new URL('../../../artifacts/', import.meta.url));
const PHONE = { width: 390, height: 844 };

const stepOf = (page: Page, step: string) => page.getByTestId('track-timeline').locator(`li[data-step="${step}"]`);

test('a pro takes the visit step by step on a phone while the customer watches it live', async ({ page, browser }) => {
  // Booked three days out: every step now is far from the window, so each asks first.
  const booking = await bookJob({ schedule: { inDays: 3, timeWindow: '9am - 12pm' } });
  const pro = await createPro();
  await acceptAs(pro, booking.jobId);

  // The customer's tracking page, in its own browser context: no cookies, no sign-in.
  const customerContext = await browser.newContext({ viewport: PHONE });
  const tracking = await customerContext.newPage();
  await tracking.goto(await trackingUrlOf(booking.sessionId));
  await expect(tracking.getByTestId('track-headline')).toHaveText('Your pro is confirmed');
  await expect(tracking.getByTestId('track-pro')).toHaveText(pro.name.split(' ')[0]!);
  await expect(tracking.getByText('Live: this page updates by itself')).toBeVisible();
  await expect(tracking.getByTestId('track-window')).toContainText('9am–12pm at the home');
  await expect(tracking.getByTestId('track-window')).toContainText('America/Chicago');
  await expect(tracking.getByText(booking.customerName)).toHaveCount(0);
  await markDocument(tracking);

  await page.setViewportSize(PHONE);
  await signIn(page, pro);
  await page.goto(`/jobs/${booking.jobId}`);
  await expect(page.getByTestId('maps-link')).toHaveAttribute('href', /google\.com\/maps/);
  await expect(page.getByRole('link', { name: '312-555-0100' })).toHaveAttribute('href', 'tel:312-555-0100');
  await page.screenshot({ path: `${ARTIFACTS}visit-accepted-390x844.png`, fullPage: true });

  // On my way: far from the window, so the portal asks, naming the window.
  await page.getByRole('button', { name: "I'm on my way" }).click();
  await expect(page.getByRole('alert')).toHaveText(
    /^This visit is booked for \w{3}, \w{3} \d{1,2}, 9am–12pm C[SD]T at the home\. Tell the customer you are on your way now\?$/,
  );
  await page.screenshot({ path: `${ARTIFACTS}visit-confirm-390x844.png`, fullPage: true });
  await page.getByRole('button', { name: "Yes, I'm on my way" }).click();
  await expect(page.getByRole('status').filter({ hasText: 'The customer knows you are on the way.' })).toBeVisible();

  // The customer's page follows without a reload.
  await expect(tracking.getByTestId('track-headline')).toHaveText('Your pro is on the way');
  await expect(stepOf(tracking, 'en_route')).toHaveAttribute('data-done', 'true');
  await expectNoReload(tracking);

  await page.getByRole('button', { name: "I've arrived: start work" }).click();
  await page.getByRole('button', { name: 'Yes, start work' }).click();
  await expect(tracking.getByTestId('track-headline')).toHaveText('Work has started');

  // Completion needs an after photo, then asks once more.
  await expect(page.getByRole('button', { name: 'Mark complete' })).toBeDisabled();
  await page
    .getByLabel(/After photo/)
    .setInputFiles({ name: 'done.png', mimeType: 'image/png', buffer: solidPng(320, 240, [40, 120, 60]) });
  await page.getByRole('button', { name: 'Add after photo' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'After photo added.' })).toBeVisible();
  await page.getByLabel(/Notes for the customer/).fill('Mounted on two studs; cables hidden in the wall.');
  await page.getByRole('button', { name: 'Mark complete' }).click();
  await expect(page.getByRole('alert')).toHaveText(/^Mark this job complete\?/);
  await page.getByRole('button', { name: 'Yes, mark complete' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Job complete.' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Before and after' })).toBeVisible();

  await expect(tracking.getByTestId('track-headline')).toHaveText('All done');
  await expect(tracking.getByRole('img', { name: /After photo 1/ })).toBeVisible();
  await expectNoReload(tracking);
  await tracking.screenshot({ path: `${ARTIFACTS}tracking-completed-390x844.png`, fullPage: true });
  await customerContext.close();
});

test('an admin reopens a completed job with a reason, and the history says why', async ({ page }) => {
  const booking = await bookJob({ schedule: { inDays: 1, timeWindow: '12pm - 3pm' } });
  const pro = await createPro();
  await acceptAs(pro, booking.jobId);
  await finishVisit(pro, booking.jobId);

  await signIn(page, { email: 'admin@home2smart.dev', password: 'dispatch-admin-dev' });
  await page.goto(`/admin/jobs/${booking.jobId}`);
  await page.getByLabel('Reason').fill('Customer reports the TV is crooked');
  await page.getByRole('button', { name: 'Reopen job' }).click();
  await expect(page.getByText('Reopened').first()).toBeVisible();
  await expect(page.getByText('Customer reports the TV is crooked').first()).toBeVisible();
});
