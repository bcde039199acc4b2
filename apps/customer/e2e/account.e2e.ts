import { expect, test } from '@h2s/e2e-config/test';
import { acceptAs, bookJob, createPro, finishVisit } from '@h2s/e2e-config/api';
import { signInByEmail } from './support';

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

test("the pro's notes for the customer show on the account page once the job is completed", async ({ page }) => {
  const booking = await bookJob({ schedule: { inDays: 2, timeWindow: '12pm - 3pm' } });
  const pro = await createPro();
  await acceptAs(pro, booking.jobId);
  await finishVisit(pro, booking.jobId, 'Mounted on two studs.\nThe remote is in the kitchen drawer.');

  await page.goto('/account');
  await signInByEmail(page, booking.customerEmail);

  const order = page.getByRole('article', { name: `Order ${booking.orderId}` });
  await expect(order.getByText('Completed', { exact: true })).toBeVisible();
  await expect(order.getByRole('term').filter({ hasText: `Notes from ${pro.name.split(' ')[0]}` })).toBeVisible();
  await expect(order.getByTestId('account-notes')).toHaveText('Mounted on two studs.\nThe remote is in the kitchen drawer.');
});
