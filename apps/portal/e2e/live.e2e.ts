import { expect, test } from '@h2s/e2e-config/test';
import { ADMIN, bookJob, expectLive, expectNoReload, markDocument, MARCUS, signIn } from './support';

test('a job a customer books and schedules appears on open portal pages without a reload', async ({ page, browser }) => {
  await signIn(page, MARCUS);
  await expect(page.getByRole('heading', { name: 'Offers', level: 1 })).toBeVisible();
  await expectLive(page);
  await markDocument(page);

  const adminContext = await browser.newContext();
  const board = await adminContext.newPage();
  await signIn(board, ADMIN);
  await expect(board.getByRole('heading', { name: 'Dispatch board' })).toBeVisible();
  await expectLive(board);
  await markDocument(board);

  const { jobId } = await bookJob({ schedule: { inDays: 2, timeWindow: '3pm - 6pm' } });

  const offer = page.getByRole('list', { name: 'Job offers' }).getByRole('listitem').filter({ hasText: jobId });
  await expect(offer).toBeVisible();
  await expect(offer.getByRole('link')).toHaveText(/, 3pm–6pm C[SD]T$/);
  await expectNoReload(page);

  const row = board.getByRole('row').filter({ hasText: jobId });
  await expect(row).toBeVisible();
  await expect(row).toContainText('Scheduled');
  await expectNoReload(board);

  await adminContext.close();
});

test('a dropped live connection shows "Reconnecting…", and the page catches up when it returns', async ({ page }) => {
  let streamDown = true;
  await page.route('**/api/trpc/live.jobChanges**', (route) => (streamDown ? route.abort() : route.continue()));
  await signIn(page, MARCUS);
  await expect(page.getByRole('heading', { name: 'Offers', level: 1 })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Reconnecting…' })).toBeVisible();
  await markDocument(page);

  // Booked while the page could not hear about it.
  const { jobId } = await bookJob();
  const offer = page.getByRole('list', { name: 'Job offers' }).getByRole('listitem').filter({ hasText: jobId });
  await expect(offer).toHaveCount(0);

  streamDown = false;
  await expectLive(page);
  await expect(offer).toBeVisible();
  await expectNoReload(page);
});
