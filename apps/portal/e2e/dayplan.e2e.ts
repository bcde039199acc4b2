import { expect, test } from '@h2s/e2e-config/test';
import {
  ADMIN,
  apiAs,
  bookJob,
  createPro,
  expectLive,
  expectNoReload,
  localDatePlus,
  markDocument,
  mutate,
  query,
  signIn,
  trackingUrlOf,
} from './support';

const LINCOLN_PARK = { line1: '2001 N Clark St', city: 'Chicago', state: 'IL', postalCode: '60614' };
const WRIGLEY = { line1: '1060 W Addison St', city: 'Chicago', state: 'IL', postalCode: '60613' };

test('the admin plans a day on the board, sees each route on a map, and applies it through the normal assignment', async ({ page }) => {
  const inDays = 11;
  const jobs = [
    await bookJob({ schedule: { inDays, timeWindow: '9am - 12pm' }, address: LINCOLN_PARK }),
    await bookJob({ schedule: { inDays, timeWindow: '12pm - 3pm' }, address: WRIGLEY }),
    await bookJob({ schedule: { inDays, timeWindow: '3pm - 6pm' }, address: LINCOLN_PARK }),
  ];
  await signIn(page, ADMIN);
  await page.getByRole('link', { name: 'Plan day' }).click();
  await expect(page.getByRole('heading', { name: 'Plan day', level: 1 })).toBeVisible();
  await page.getByLabel('Date').fill(localDatePlus('America/Chicago', inDays));
  await page.getByRole('button', { name: 'Plan day' }).click();

  await expect(page.getByRole('heading', { name: /^Proposal for / })).toBeVisible();
  await expect(page.getByRole('img', { name: /^Map of \d+ routes?/ })).toBeVisible();
  const routes = page.getByTestId('plan-route');
  await expect(routes.first()).toBeVisible();
  for (const job of jobs) await expect(page.getByRole('link', { name: job.jobId })).toBeVisible();
  await expect(routes.first()).toContainText(/driving · \d+( h)?( \d+)? ?(min|h)? idle/);
  // A proposal assigns nothing by itself.
  const admin = await apiAs(ADMIN);
  const before = await query<{ assignedPro: unknown }>(admin, 'jobs.get', { jobId: jobs[0]!.jobId });
  expect(before.assignedPro).toBeNull();

  await page.getByRole('button', { name: /^Apply: assign \d+ jobs?$/ }).click();
  await expect(page.getByRole('status').filter({ hasText: /Applied \d+ placements?/ })).toBeVisible();
  for (const job of jobs) {
    const after = await query<{ assignedPro: { id: string } | null; status: string }>(admin, 'jobs.get', { jobId: job.jobId });
    expect(after.status).toBe('accepted');
    expect(after.assignedPro).not.toBeNull();
  }
  await admin.dispose();
});

test("a pro's day: stops in route order with ETAs and drives, the next first, updating live; the customer sees the ETA once the pro is on the way", async ({
  page,
  browser,
}) => {
  const inDays = 12;
  const date = localDatePlus('America/Chicago', inDays);
  const pro = await createPro({ postalCode: '60614', serviceRadiusMiles: 30 });
  const afternoon = await bookJob({ schedule: { inDays, timeWindow: '12pm - 3pm' }, address: WRIGLEY });
  const morning = await bookJob({ schedule: { inDays, timeWindow: '9am - 12pm' }, address: LINCOLN_PARK });
  const evening = await bookJob({ schedule: { inDays, timeWindow: '3pm - 6pm' }, address: WRIGLEY });
  const proApi = await apiAs(pro);
  await mutate(proApi, 'jobs.accept', { jobId: afternoon.jobId });
  await mutate(proApi, 'jobs.accept', { jobId: morning.jobId });

  await signIn(page, pro);
  await page.getByRole('link', { name: 'My day' }).click();
  await page.getByLabel('Day', { exact: true }).fill(date);
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page.getByRole('heading', { name: `Next stop: ${morning.customerName}` })).toBeVisible();
  await expect(page.getByTestId('next-eta')).toHaveText('9:00 AM');
  await expect(page.getByTestId('day-stop')).toHaveCount(1);
  await expect(page.getByTestId('day-stop').first()).toContainText(afternoon.customerName);
  await expect(page.getByTestId('day-stop').first()).toContainText(/12:00 PM .* · \d+ min drive/);

  // Accepting another job elsewhere shows up without a reload.
  await expectLive(page);
  await markDocument(page);
  await mutate(proApi, 'jobs.accept', { jobId: evening.jobId });
  await expect(page.getByTestId('day-stop')).toHaveCount(2);
  await expect(page.getByTestId('day-stop').nth(1)).toContainText(evening.customerName);
  await expectNoReload(page);

  // On the way to the first stop: the customer's tracking page shows when the pro is expected.
  await mutate(proApi, 'jobs.depart', { jobId: morning.jobId });
  await proApi.dispose();
  const tracking = await (await browser.newContext()).newPage();
  await tracking.goto(await trackingUrlOf(morning.sessionId));
  await expect(tracking.getByTestId('track-eta')).toHaveText(/^On the way: expected at \d{1,2}:\d{2} (AM|PM)/);
});
