import { type Page } from '@playwright/test';
import { analysed, expect, test } from '@h2s/e2e-config/test';
import { bookJob, createPro, MARCUS, signIn } from './support';

test('two pros accept the same job at once: exactly one wins, the other is told it is gone', async ({ browser }) => {
  const rival = await createPro({ postalCode: '60602', serviceRadiusMiles: 40 });
  const { jobId } = await bookJob();

  const contexts = await Promise.all([browser.newContext(), browser.newContext()]);
  const pages = await Promise.all(contexts.map((c) => c.newPage()));
  const [marcusPage, rivalPage] = pages as [Page, Page];
  await Promise.all([signIn(marcusPage, MARCUS), signIn(rivalPage, rival)]);
  for (const page of pages) {
    await page.goto(`/jobs/${jobId}`);
    await expect(page.getByRole('button', { name: 'Accept job' })).toBeEnabled();
  }
  // Both pages analysed (axe) before the race: a check still running would hold one page's click back.
  await Promise.all(pages.map((page) => analysed(page)));

  await Promise.all(pages.map((page) => page.getByRole('button', { name: 'Accept job' }).click()));

  const won = (page: Page) => page.getByRole('list', { name: 'Upcoming jobs' }).getByRole('listitem').filter({ hasText: jobId });
  const lost = (page: Page) => page.getByRole('heading', { name: 'Job no longer available' });
  for (const page of pages) await expect(won(page).or(lost(page))).toBeVisible();

  const outcomes = await Promise.all(pages.map(async (page) => ((await won(page).isVisible()) ? 'won' : 'lost')));
  expect([...outcomes].sort()).toEqual(['lost', 'won']);

  // The loser's offers no longer list it.
  const loser = pages[outcomes.indexOf('lost')]!;
  await loser.getByRole('link', { name: 'Back to offers' }).click();
  await expect(loser.getByRole('heading', { name: 'Offers', level: 1 })).toBeVisible();
  await expect(loser.getByText(jobId)).toHaveCount(0);

  await Promise.all(contexts.map((c) => c.close()));
});
