/**
 * A two-pro job from both ends: the customer's tracking page counts confirmed pros, a second pro takes
 * the last seat from the portal, and each seat holder sees the other's name.
 */
import { request } from '@playwright/test';
import { expect, test } from '@h2s/e2e-config/test';
import { apiAs, bookJob, createPro, CUSTOMER, mutate, query, signIn } from './support';

test('a two-pro job: "1 of 2 pros confirmed", then the second pro takes the last seat', async ({ page, browser }) => {
  const booking = await bookJob({ sku: 'tv-mount-xl-masonry', schedule: { inDays: 2, timeWindow: '9am - 12pm' } });
  const lead = await createPro();
  const second = await createPro();
  const leadApi = await apiAs(lead);
  const claimed = await mutate<{ seat: { number: number; of: number; lead: boolean } }>(leadApi, 'jobs.accept', { jobId: booking.jobId });
  expect(claimed.seat).toEqual({ number: 1, of: 2, lead: true });
  await leadApi.dispose();

  const customer = await request.newContext({ baseURL: CUSTOMER });
  const { trackingPath } = await query<{ trackingPath: string }>(customer, 'orders.bySession', { sessionId: booking.sessionId });
  await customer.dispose();
  const customerContext = await browser.newContext();
  const tracking = await customerContext.newPage();
  await tracking.goto(`${CUSTOMER}${trackingPath}`);
  await expect(tracking.getByTestId('track-crew')).toHaveText('1 of 2 pros confirmed');

  await signIn(page, second);
  await page.goto(`/jobs/${booking.jobId}`);
  await expect(page.getByTestId('crew')).toContainText('1 of 2 pros confirmed');
  await page.getByRole('button', { name: 'Accept job' }).click();
  await expect(page).toHaveURL(/\/jobs\?accepted=/);
  await expect(page.getByText(`Accepted ${booking.jobId}.`)).toBeVisible();
  await page.goto(`/jobs/${booking.jobId}`);
  await expect(page.getByTestId('crew')).toContainText('2 of 2 pros confirmed');
  await expect(page.getByTestId('crew')).toContainText(lead.name);
  await expect(page.getByTestId('crew')).toContainText(second.name);

  // The customer's page follows live.
  await expect(tracking.getByTestId('track-crew')).toHaveText('2 of 2 pros confirmed');
  await customerContext.close();
});

test('a pro turns on texts about new jobs near them, and a number that cannot get texts is refused', async ({ page }) => {
  const pro = await createPro();
  await signIn(page, pro);
  await page.goto('/jobs');
  await page.getByLabel('Text me when a new job near me is open').check();
  await page.getByLabel('Mobile number').fill('012-555-0101');
  await page.getByRole('button', { name: 'Save text settings' }).click();
  await expect(page.getByText('Texts need a mobile number')).toBeVisible();
  await page.getByLabel('Mobile number').fill('(312) 555-0177');
  await page.getByRole('button', { name: 'Save text settings' }).click();
  await expect(page.getByText('New jobs near you will be texted to +13125550177.')).toBeVisible();
  await page.reload();
  await expect(page.getByLabel('Text me when a new job near me is open')).toBeChecked();
  await expect(page.getByLabel('Mobile number')).toHaveValue('+13125550177');
});
