/**
 * Dispatch's seats on a crew job: the job page lists each seat and who holds it, refuses a pro who
 * already holds another seat (saying why, beside that seat), fills the open seat, then changes the lead.
 */
import { expect, test } from '@h2s/e2e-config/test';
import { expectAccessible } from '@h2s/e2e-config/axe';
import { ADMIN, apiAs, bookJob, createPro, mutate, signIn } from './support';

test('dispatch fills and changes the seats of a two-pro job from its page', async ({ page }) => {
  test.setTimeout(240_000);
  const booking = await bookJob({ sku: 'tv-mount-xl-masonry', schedule: { inDays: 2, timeWindow: '12pm - 3pm' } });
  const lead = await createPro();
  const helper = await createPro();
  const standIn = await createPro();
  const leadApi = await apiAs(lead);
  await mutate(leadApi, 'jobs.accept', { jobId: booking.jobId });
  await leadApi.dispose();

  await signIn(page, ADMIN);
  await page.goto(`/admin/jobs/${booking.jobId}`);
  const seats = page.getByRole('region', { name: 'Crew seats' });
  await expect(seats).toContainText('1 of 2 seats filled');
  await expect(page.getByTestId('seat-1')).toContainText(`Seat 1 (lead): ${lead.name}`);
  await expect(page.getByTestId('seat-2')).toContainText('Seat 2: Open');
  await expectAccessible(page, 'crew seats, one of two filled');

  // The lead cannot take the second seat too: the refusal is shown beside that seat's picker.
  const seat2 = page.getByLabel('Pro for seat 2');
  await seat2.selectOption(lead.proId);
  await page.getByRole('button', { name: 'Fill seat 2' }).click();
  await expect(page.getByTestId('seat-2').getByRole('alert')).toHaveText('That pro already holds seat 1.');
  await expect(seat2).toHaveAttribute('aria-invalid', 'true');
  await expect(seat2).toHaveAccessibleDescription('That pro already holds seat 1.');
  await expectAccessible(page, 'crew seats, a seat refused');

  await seat2.selectOption(helper.proId);
  await page.getByRole('button', { name: 'Fill seat 2' }).click();
  await expect(page.getByTestId('seat-2').getByRole('status')).toHaveText(`${helper.name} now holds seat 2. Every seat is filled.`);
  await expect(page.getByTestId('seat-2')).toContainText(`Seat 2: ${helper.name}`);
  await expect(seats).toContainText('2 of 2 seats filled');
  await expect(page.getByText(`Assigned to ${lead.name}`)).toBeVisible();

  // A new lead: the job follows them.
  await page.getByLabel('Pro for seat 1 (lead)').selectOption(standIn.proId);
  await page.getByRole('button', { name: 'Change seat 1 (lead)' }).click();
  await expect(page.getByTestId('seat-1').getByRole('status')).toHaveText(`${standIn.name} now holds seat 1. Every seat is filled.`);
  await expect(page.getByTestId('seat-1')).toContainText(`Seat 1 (lead): ${standIn.name}`);
  await expect(page.getByLabel('Pro for seat 1 (lead)')).toHaveValue('');
  await expect(page.getByText(`Assigned to ${standIn.name}`)).toBeVisible();
  await expect(page.getByRole('list', { name: 'Job history' })).toContainText('Reassigned');
  await expectAccessible(page, 'crew seats, both filled');
});
