import { expect, test } from '@h2s/e2e-config/test';
import { bookJob, expectLive, MARCUS, screenshots, signIn } from './support';

test('a pro sees offers best first, opens one, accepts it and finds it under Upcoming', async ({ page }) => {
  // Two fresh jobs near Marcus besides the seed's, so the list has something to rank.
  const scheduled = await bookJob({ schedule: { inDays: 1, timeWindow: '9am - 12pm' }, notes: 'Mount above the sideboard, plaster wall.' });
  await bookJob({ sku: 'wifi-mesh', schedule: null });

  await signIn(page, MARCUS);
  await expect(page).toHaveURL(/\/offers$/);
  const offers = page
    .getByRole('list', { name: 'Job offers' })
    .getByRole('listitem')
    .filter({ has: page.getByRole('heading') });
  await expect(offers.filter({ hasText: scheduled.jobId })).toBeVisible();

  const scores = (await offers.getByText(/^Score \d+$/).allTextContents()).map((text) => Number(text.replace(/\D/g, '')));
  expect(scores.length).toBeGreaterThanOrEqual(3);
  for (let i = 1; i < scores.length; i++) expect(scores[i]).toBeLessThanOrEqual(scores[i - 1]!);

  // The first offer explains itself one tap away.
  const first = offers.first();
  await first.getByText('Why is this first?').click();
  const breakdown = first.getByRole('list', { name: /Score breakdown/ });
  await expect(breakdown).toBeVisible();
  await expect(breakdown.getByRole('listitem').first()).toHaveText(/^[+-]\d+ /);

  // When and where read as a person would say them.
  const mine = offers.filter({ hasText: scheduled.jobId });
  await expect(mine.getByRole('link')).toHaveText(/^Tomorrow, 9am–12pm C[SD]T$/);
  await expect(mine).toContainText(/Chicago, IL · \d+\.\d mi/);
  await expect(mine).toContainText('TV Mounting');
  await expectLive(page);
  await screenshots(page, 'offers');

  await mine.getByRole('link').click();
  await expect(page).toHaveURL(new RegExp(`/jobs/${scheduled.jobId}$`));
  await expect(page.getByRole('heading', { name: 'When' })).toBeVisible();
  await expect(page.getByText("The customer's name, phone and street address appear once you accept.")).toBeVisible();
  await expect(page.getByText(scheduled.customerName)).toHaveCount(0);
  await expect(page.getByText('Mount above the sideboard, plaster wall.')).toBeVisible();
  await expect(page.getByRole('group', { name: 'Equipment to bring' }).getByRole('checkbox', { name: 'Stud finder' })).toBeVisible();
  await screenshots(page, 'job-view');

  await page.getByRole('button', { name: 'Accept job' }).click();
  await expect(page).toHaveURL(new RegExp(`/jobs\\?accepted=${scheduled.jobId}$`));
  const upcoming = page.getByRole('list', { name: 'Upcoming jobs' }).getByRole('listitem').filter({ hasText: scheduled.jobId });
  await expect(upcoming).toBeVisible();
  await expect(upcoming).toContainText(scheduled.customerName);
  await expect(page.getByRole('status').filter({ hasText: `Accepted ${scheduled.jobId}` })).toBeVisible();

  // Accepted, the job shows who and where; the list has no one-click completion (the visit's steps are on the job page).
  await expect(upcoming.getByRole('button', { name: /Mark complete/ })).toHaveCount(0);
  await upcoming.getByRole('link', { name: `Open ${scheduled.jobId}` }).click();
  await expect(page.getByText(scheduled.customerName)).toBeVisible();
  await expect(page.getByRole('button', { name: "I'm on my way" })).toBeVisible();

  await page.goto('/offers');
  await expect(page.getByRole('heading', { name: 'Offers', level: 1 })).toBeVisible();
  await expect(page.getByText(scheduled.jobId)).toHaveCount(0);
});

test('a pro with no jobs in range is told whether there are open jobs elsewhere', async ({ page }) => {
  // Tom (Phoenix, 60 mi) has no demo jobs nearby; the demo jobs elsewhere are open.
  await signIn(page, { email: 'tom@pros.home2smart.dev', password: MARCUS.password });
  await expect(page.getByRole('heading', { name: 'No offers in your service area' })).toBeVisible();
  await expect(page.getByText(/open jobs? elsewhere, outside your radius/)).toBeVisible();
});

test("the customer's photos open in a lightbox that keys and Esc drive", async ({ page }) => {
  const { jobId } = await bookJob({ photos: 3 });
  await signIn(page, MARCUS);
  await page.goto(`/jobs/${jobId}`);

  const thumbnails = page.getByRole('list', { name: `Customer photos for ${jobId}` }).getByRole('button');
  await expect(thumbnails).toHaveCount(3);
  await thumbnails.first().click();

  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog).toHaveAccessibleName(/^Photo 1 of 3 — wall-1\.png$/);
  const image = dialog.getByRole('img', { name: 'Customer photo 1: wall-1.png' });
  await expect(image).toBeVisible();
  await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(320);

  await page.keyboard.press('ArrowRight');
  await expect(dialog).toHaveAccessibleName(/^Photo 2 of 3/);
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await expect(dialog).toHaveAccessibleName(/^Photo 3 of 3/);
  await expect(dialog.getByRole('img', { name: 'Customer photo 3: wall-3.png' })).toBeVisible();

  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(thumbnails.first()).toBeFocused();

  await thumbnails.nth(1).click();
  await expect(dialog).toHaveAccessibleName(/^Photo 2 of 3/);
  await dialog.getByRole('button', { name: 'Close photo' }).click();
  await expect(dialog).toBeHidden();
});
