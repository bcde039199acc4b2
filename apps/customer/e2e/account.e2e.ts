import { expect, test } from '@playwright/test';

test('a customer signs in with an emailed link and sees their orders in words', async ({ page }) => {
  await page.goto('/account');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your orders');

  await page.getByLabel('Email').fill('not-an-email');
  await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
  await expect(page.getByLabel('Email')).toHaveAccessibleDescription('Enter a valid email address');

  await page.getByLabel('Email').fill('jordan@example.com');
  await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
  await expect(page.getByRole('status')).toContainText('If jordan@example.com has orders with us, a sign-in link is on its way.');

  await page.getByRole('link', { name: 'dev outbox' }).click();
  const mail = page.getByRole('listitem').filter({ hasText: 'To jordan@example.com' }).first();
  await expect(mail.getByRole('heading')).toHaveText('Your Home2Smart sign-in link');
  const link = mail.getByRole('link', { name: /\/account\/signin\// });
  const href = await link.getAttribute('href');
  await link.click();
  // Opening the link spends nothing (mail scanners prefetch links); the button does.
  await page.getByRole('button', { name: 'Sign in' }).click();

  await expect(page).toHaveURL('/account');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('My orders');
  await expect(page.getByText('Signed in as Jordan Lee')).toBeVisible();
  const order = page.getByRole('article').first();
  await expect(order.getByText('Waiting to be scheduled')).toBeVisible();
  await expect(order.getByText('Not scheduled yet')).toBeVisible();
  await expect(order).toContainText('Smart Home Starter, Whole-Home Wi-Fi Mesh');
  // The tracking page every email links to is one click away here too.
  await expect(order.getByRole('link', { name: /^Follow your visit/ })).toHaveAttribute('href', /^\/track\/ORD-/);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your orders');

  // A link works once.
  await page.goto(new URL(href!).pathname);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('This sign-in link does not work');
});

test('a used or unknown sign-in link says so', async ({ page }) => {
  await page.goto('/account/signin/this-token-does-not-exist-anywhere-000');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('This sign-in link does not work');
  await page.getByRole('link', { name: 'Email me a new link' }).click();
  await expect(page).toHaveURL('/account');
});
