import { expect, test, type Page } from '@playwright/test';
import { codeFromMailbox, jsEnabled, shot, totp, uniqueEmail, wrongCode } from './helpers';

const PASSWORD = 'Correct-Horse-9';
const SHOPPER = { email: 'shopper@example.com', password: 'Shopper-demo-2026!' };
const ADMIN = { email: 'admin@example.com', password: 'Admin-demo-2026!' };

async function signIn(page: Page, email: string, password: string) {
  await page.getByLabel('E-mail address', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Signs up and confirms through the dev mailbox; ends on the sign-in page. */
async function register(page: Page, email: string) {
  await page.goto('/account/sign-up');
  await page.getByLabel('E-mail address', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/account\/confirm$/);
  const code = await codeFromMailbox(page, email, /Confirm your e-mail/);
  await page.goto('/account/confirm');
  await page.getByLabel('Code', { exact: true }).fill(code);
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect(page).toHaveURL(/\/account\/sign-in$/);
}

test('sign up, confirm, sign in, turn on two-factor, sign out, sign in with a code', async ({ page }, testInfo) => {
  const email = uniqueEmail(testInfo, 'ada');

  await page.goto('/account/sign-up');
  await expect(page.getByRole('heading', { name: 'Create an account' })).toBeVisible();
  // The password rules are on the page before anything is submitted.
  const rules = page.getByRole('list', { name: 'Password rules' });
  await expect(rules).toContainText('At least 8 characters');
  await expect(rules).toContainText('A symbol');
  await page.getByLabel('E-mail address', { exact: true }).fill(email);
  if (jsEnabled(testInfo)) {
    await expect(page.locator('[data-testid=password-field][data-hydrated=true]')).toBeVisible();
    await page.getByLabel('Password', { exact: true }).pressSequentially('abc');
    await expect(rules.locator('li.met')).toHaveCount(1); // the lower-case rule
  } else {
    await page.getByLabel('Password', { exact: true }).fill('abc');
  }
  await shot(page, testInfo, 'account-sign-up');
  await page.getByRole('button', { name: 'Create account' }).click();
  // A weak password: a specific message, nothing created, the address kept.
  await expect(page.getByTestId('form-error')).toContainText('too weak');
  await expect(page.getByTestId('form-error')).toContainText('a symbol');
  await expect(page.getByLabel('E-mail address', { exact: true })).toHaveValue(email);
  await shot(page, testInfo, 'account-sign-up-error');

  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/account\/confirm$/);
  await expect(page.getByTestId('notice')).toContainText(`We sent a code to ${email}`);
  await expect(page.getByLabel('E-mail address', { exact: true })).toHaveValue(email);
  await shot(page, testInfo, 'account-confirm');

  const code = await codeFromMailbox(page, email, /Confirm your e-mail/);
  await shot(page, testInfo, 'dev-mailbox');
  await page.goto('/account/confirm');
  await page.getByLabel('Code', { exact: true }).fill(wrongCode(code));
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByTestId('form-error')).toContainText('That code is not right');
  await page.getByLabel('Code', { exact: true }).fill(code);
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect(page).toHaveURL(/\/account\/sign-in$/);
  await expect(page.getByTestId('notice')).toContainText('confirmed');

  await signIn(page, email, PASSWORD);
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByTestId('account-email')).toHaveText(email);
  await expect(page.getByTestId('two-factor-status')).toHaveText('Off');
  await shot(page, testInfo, 'account-home');

  // Two-factor: the secret as text and as a QR code; a wrong code first.
  await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
  await expect(page).toHaveURL(/\/account\/two-factor$/);
  await expect(page.getByRole('img', { name: /QR code/ }).locator('svg')).toBeVisible();
  const secret = (await page.getByTestId('totp-secret').innerText()).replace(/\s/g, '');
  expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
  await shot(page, testInfo, 'account-two-factor');
  await page.getByLabel('Code', { exact: true }).fill(wrongCode(totp(secret)));
  await page.getByRole('button', { name: 'Turn on' }).click();
  await expect(page.getByTestId('form-error')).toContainText('That code is not right');
  await page.getByLabel('Code', { exact: true }).fill(totp(secret));
  await page.getByRole('button', { name: 'Turn on' }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByTestId('two-factor-status')).toHaveText('On');

  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(page).toHaveURL(/\/$/);
  await page.goto('/account');
  await expect(page).toHaveURL(/\/account\/sign-in\?next=%2Faccount$/);

  // Signing in now asks for a code (the next 30-second step: each code works once).
  await signIn(page, email, PASSWORD);
  await expect(page).toHaveURL(/\/account\/sign-in\/code$/);
  await shot(page, testInfo, 'account-sign-in-code');
  await page.getByLabel('Code', { exact: true }).fill(wrongCode(totp(secret, Date.now() / 1000 + 30)));
  await page.getByRole('button', { name: 'Verify and sign in' }).click();
  await expect(page.getByTestId('form-error')).toContainText('That code is not right');
  await page.getByLabel('Code', { exact: true }).fill(totp(secret, Date.now() / 1000 + 30));
  await page.getByRole('button', { name: 'Verify and sign in' }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByTestId('two-factor-status')).toHaveText('On');
});

test('reset a forgotten password without revealing who is registered', async ({ page }, testInfo) => {
  const email = uniqueEmail(testInfo, 'bo');
  await register(page, email);

  // Signing up again with the same address says so.
  await page.goto('/account/sign-up');
  await page.getByLabel('E-mail address', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByTestId('form-error')).toContainText('already exists');

  // An unknown address gets the same answer as a real one.
  await page.goto('/account/forgot');
  await page.getByLabel('E-mail address', { exact: true }).fill(uniqueEmail(testInfo, 'nobody'));
  await page.getByRole('button', { name: 'Send code' }).click();
  await expect(page).toHaveURL(/\/account\/reset$/);
  await expect(page.getByTestId('notice')).toContainText('If an account exists for');

  await page.goto('/account/sign-in');
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await page.getByLabel('E-mail address', { exact: true }).fill(email);
  await page.getByRole('button', { name: 'Send code' }).click();
  await expect(page).toHaveURL(/\/account\/reset$/);
  await expect(page.getByTestId('notice')).toContainText(`If an account exists for ${email}`);
  await shot(page, testInfo, 'account-reset');
  const code = await codeFromMailbox(page, email, /Reset your password/);

  await page.goto('/account/reset');
  await expect(page.getByLabel('E-mail address', { exact: true })).toHaveValue(email);
  await page.getByLabel('Code', { exact: true }).fill(code);
  await page.getByLabel('New password', { exact: true }).fill('Brand-new-pass-7');
  await page.getByRole('button', { name: 'Set new password' }).click();
  await expect(page).toHaveURL(/\/account\/sign-in$/);
  await expect(page.getByTestId('notice')).toContainText('Your password is changed');

  // The old password no longer works, and the message is the same as for an unknown address.
  await signIn(page, email, PASSWORD);
  await expect(page.getByTestId('form-error')).toHaveText("That e-mail address and password don't match an account.");
  await shot(page, testInfo, 'account-sign-in-error');
  await signIn(page, uniqueEmail(testInfo, 'nobody'), PASSWORD);
  await expect(page.getByTestId('form-error')).toHaveText("That e-mail address and password don't match an account.");
  await signIn(page, email, 'Brand-new-pass-7');
  await expect(page).toHaveURL(/\/account$/);
});

test('change password from the account page', async ({ page }, testInfo) => {
  const email = uniqueEmail(testInfo, 'cy');
  await register(page, email);
  await signIn(page, email, PASSWORD);
  await page.getByRole('link', { name: 'Change password' }).click();
  await page.getByLabel('Current password', { exact: true }).fill('Not-my-password-1');
  await page.getByLabel('New password', { exact: true }).fill('Another-pass-8');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByTestId('form-error')).toContainText('current password is not right');
  await page.getByLabel('Current password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('New password', { exact: true }).fill('Another-pass-8');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByTestId('notice')).toContainText('Your password is changed');
});

test('/admin refuses visitors and shoppers, admits admins', async ({ page }, testInfo) => {
  const anonymous = await page.goto('/admin');
  expect(anonymous?.status()).toBe(403);
  await expect(page.getByRole('heading', { name: 'Access denied' })).toBeVisible();
  await shot(page, testInfo, 'admin-403');

  await page.goto('/account/sign-in?next=%2Fadmin');
  await signIn(page, SHOPPER.email, SHOPPER.password);
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole('heading', { name: 'Access denied' })).toBeVisible();
  const again = await page.goto('/admin');
  expect(again?.status()).toBe(403);

  await page.goto('/account');
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await page.goto('/account/sign-in?next=%2Fadmin');
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole('heading', { name: 'Staff dashboard' })).toBeVisible();
  await expect(page.getByTestId('admin-email')).toHaveText(ADMIN.email);
  await shot(page, testInfo, 'admin-dashboard');
});

test('signing in returns to the page the shopper came from', async ({ page }, testInfo) => {
  await page.goto('/c/games');
  await page.getByTestId('account-link').click();
  await expect(page).toHaveURL(/\/account\/sign-in\?next=%2Faccount$/);
  await shot(page, testInfo, 'account-sign-in');
  const response = await page.goto('/account/sign-in?next=%2Fc%2Fjewelry');
  expect(response?.status()).toBe(200);
  await signIn(page, SHOPPER.email, SHOPPER.password);
  await expect(page).toHaveURL(/\/c\/jewelry$/);
  // A link to another site is never followed.
  await page.goto('/account');
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await page.goto('/account/sign-in?next=%2F%2Fevil.example');
  await signIn(page, SHOPPER.email, SHOPPER.password);
  await expect(page).toHaveURL(/\/account$/);
});
