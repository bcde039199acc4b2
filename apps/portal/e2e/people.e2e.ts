/**
 * Issue 22, "what people hit", for pros and dispatch: a job booked from another zone reads at the
 * home's hour on every screen, unserved demand on the board, a paused pro is told so, the Hours page
 * fits a phone, and the logo link has a name. Every page state is checked with axe at both widths.
 */
import { expect, test } from '@h2s/e2e-config/test';
import { expectAccessible } from '@h2s/e2e-config/axe';
import { ADMIN, apiAs, bookJob, CUSTOMER, createPro, MARCUS, mutate, signIn, unique } from './support';
import { request } from '@playwright/test';

/** "Thu, Jan 15" for a date, as the portal names a day further out than tomorrow. */
const dayOf = (date: string) =>
  new Intl.DateTimeFormat('en-US', { weekday: 'short', month: 'short', day: 'numeric', timeZone: 'UTC' }).format(
    new Date(`${date}T12:00:00Z`),
  );

test('a job booked from New York for a Chicago house reads 11am–2pm CST for the pro and for dispatch', async ({ page, browser }) => {
  test.setTimeout(180_000);
  // "12pm - 3pm" read in New York is 11am–2pm at the house.
  const { jobId } = await bookJob({ schedule: { inDays: 5, timeWindow: '12pm - 3pm', timezone: 'America/New_York' } });
  const date = new Date(Date.now() + 5 * 86_400_000).toLocaleDateString('en-CA', { timeZone: 'America/New_York' });
  const when = `${dayOf(date)}, 11am–2pm CST`;

  const proContext = await browser.newContext();
  const pro = await proContext.newPage();
  await signIn(pro, MARCUS);
  await pro.goto('/offers');
  await expect(pro.locator(`a[href="/jobs/${jobId}"]`)).toHaveText(when);
  await expectAccessible(pro, 'offers list');
  await pro.goto(`/jobs/${jobId}`);
  await expect(pro.getByRole('region', { name: 'When' })).toContainText(when);
  await expect(pro.getByRole('region', { name: 'When' })).toContainText('at the home (Central Time)');
  await expectAccessible(pro, 'job page (offer)');
  await proContext.close();

  await signIn(page, ADMIN);
  await page.goto('/admin');
  const row = page.getByRole('row').filter({ hasText: jobId });
  await expect(row).toContainText(when);
  await expect(row).toContainText('At the home: Central Time');
  await expectAccessible(page, 'dispatch board');
  await page.goto(`/admin/jobs/${jobId}`);
  await expect(page.getByRole('list', { name: 'Job history' })).toContainText(`Scheduled for ${dayOf(date)}, 11am–2pm CST at the home`);
  await expect(page.getByRole('list', { name: 'Job history' })).not.toContainText('Rescheduled');
  await expectAccessible(page, 'admin job page');
});

test('an address nobody serves shows up on the board as unserved demand', async ({ page }) => {
  const customer = await request.newContext({ baseURL: CUSTOMER });
  const refused = await customer.post('/api/trpc/checkout.create', {
    data: {
      items: [{ sku: 'tv-mount-standard', quantity: 1 }],
      customer: { name: 'Al Aska', email: `${unique('ak')}@example.com`, phone: '907-555-0100' },
      serviceAddress: { line1: '632 W 6th Ave', city: 'Anchorage', state: 'AK', postalCode: '99501' },
    },
    headers: { origin: CUSTOMER },
  });
  expect(refused.status()).toBe(400);
  expect(JSON.stringify(await refused.json())).toContain("We don't serve 99501 yet");
  await mutate(customer, 'checkout.notifyWhenServed', { email: `${unique('ak')}@example.com`, postalCode: '99501' });
  await customer.dispose();

  await signIn(page, ADMIN);
  await page.goto('/admin');
  const demand = page.getByRole('region', { name: 'Unserved demand' });
  await expect(demand.getByRole('row').filter({ hasText: 'Anchorage, AK 99501' })).toBeVisible();
});

test('a paused pro with no offers is told they are paused and how to resume; Hours fits a phone', async ({ page }) => {
  const pro = await createPro({ postalCode: '59601', serviceRadiusMiles: 5 });
  const admin = await apiAs(ADMIN);
  await mutate(admin, 'admin.updatePro', { proId: pro.proId, active: false });
  await admin.dispose();

  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, pro);
  await page.goto('/offers');
  await expect(page.getByRole('heading', { name: "You're paused" })).toBeVisible();
  await expect(page.getByTestId('paused-note')).toContainText('To resume, ask dispatch at (312) 555-0100');
  await expect(page.getByText('widen your radius')).toHaveCount(0);
  // The logo link names itself even when only the icon shows.
  await expect(page.getByRole('link', { name: 'H2S Dispatch, home' })).toBeVisible();
  await expectAccessible(page, 'offers, paused pro');

  await page.goto('/availability');
  await expect(page.getByRole('heading', { name: 'Your hours' })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await expectAccessible(page, 'hours page');
});

test('dispatch assigning a pro on their day off is warned and must give a reason, which the history keeps', async ({ page }) => {
  test.setTimeout(120_000);
  const pro = await createPro({ postalCode: '60602', serviceRadiusMiles: 40 });
  const { jobId } = await bookJob({ schedule: { inDays: 6, timeWindow: '9am - 12pm' } });
  const day = new Date(Date.now() + 6 * 86_400_000).toLocaleDateString('en-CA', { timeZone: 'America/Chicago' });
  const admin = await apiAs(ADMIN);
  const hours = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, startsAt: '08:00', endsAt: '18:00' }));
  await mutate(admin, 'pros.setAvailability', { proId: pro.proId, hours, daysOff: [day] });
  await admin.dispose();

  await signIn(page, ADMIN);
  await page.goto(`/admin/jobs/${jobId}`, { waitUntil: 'networkidle' });
  const choice = page.getByLabel(`Pro for ${jobId}`);
  await choice.selectOption((await choice.locator('option', { hasText: pro.name }).getAttribute('value'))!);
  await page.getByRole('button', { name: 'Assign', exact: true }).click();
  const warning = page.getByRole('alert').filter({ hasText: 'day off. Say why to assign anyway' });
  await expect(warning).toContainText(`is ${pro.name}'s day off.`);
  await expectAccessible(page, 'assign warning on a day off');
  await warning.getByLabel('Reason').fill('Swapped days with Marcus');
  await warning.getByRole('button', { name: 'Assign anyway' }).click();
  await expect(page.getByRole('status').filter({ hasText: `${jobId} is now assigned to ${pro.name}` })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('list', { name: 'Job history' })).toContainText(
    `to ${pro.name} (outside their hours: Swapped days with Marcus)`,
  );
});
