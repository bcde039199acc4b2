import { expect, test } from '@h2s/e2e-config/test';
import { ADMIN, MARCUS, PORTAL, signIn, unique } from './support';

test('a protected page sends you to sign in, and back there afterwards', async ({ page }) => {
  await page.goto('/jobs');
  await expect(page).toHaveURL(/\/login\?next=%2Fjobs$/);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();

  await page.getByLabel('Email').fill(MARCUS.email);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Email or password is incorrect.');

  await page.getByLabel('Password').fill(MARCUS.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/jobs$/);
  await expect(page.getByRole('heading', { name: 'My jobs', level: 1 })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Main' })).toContainText('Offers');
  await expect(page.getByText(MARCUS.name)).toBeVisible();
});

test('an expired session lands on sign-in and returns to the page after', async ({ page, context }) => {
  await context.addCookies([{ name: 'h2s_portal_session', value: 'expired-or-revoked-token', url: PORTAL }]);
  await page.goto('/offers');
  await expect(page).toHaveURL(/\/login\?next=%2Foffers$/);
  await page.getByLabel('Email').fill(MARCUS.email);
  await page.getByLabel('Password').fill(MARCUS.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/offers$/);
  await expect(page.getByRole('heading', { name: 'Offers', level: 1 })).toBeVisible();
});

test('pros land on offers, admins on the dispatch board; signing out ends the session', async ({ page }) => {
  await signIn(page, MARCUS);
  await expect(page).toHaveURL(/\/offers$/);
  await page.goto('/admin');
  await expect(page).toHaveURL(/\/offers$/);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login$/);

  await signIn(page, ADMIN);
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole('heading', { name: 'Dispatch board' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' })).toHaveAttribute('aria-current', 'page');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto('/admin');
  await expect(page).toHaveURL(/\/login\?next=%2Fadmin$/);
});

test('repeated failures are refused with the rate-limit message', async ({ page }) => {
  const email = `${unique('nobody')}@pros.home2smart.dev`;
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  const alert = page.getByRole('alert');
  for (let attempt = 1; attempt <= 5; attempt++) {
    await page.getByLabel('Password').fill(`wrong-${attempt}`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(alert).toHaveText('Email or password is incorrect.');
    // The button comes back once the answer has arrived.
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeEnabled();
  }
  await page.getByLabel('Password').fill('wrong-again');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(alert).toHaveText('Too many failed sign-ins. Try again in 15 minutes.');
});
