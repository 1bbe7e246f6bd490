import { expect, test, type Page } from '@playwright/test';
import { codeFromMailbox, jsEnabled } from './helpers';

/**
 * Opens the first in-stock product of a department, adds it to the cart and opens the cart. With
 * JavaScript the product page stays put (a message, the header count); without, the form posts and
 * the cart page says what was added.
 */
export async function addFirstInStock(
  page: Page,
  department: 'games' | 'jewelry',
  sort: 'price-asc' | 'price-desc' = 'price-asc',
): Promise<string> {
  await page.goto(`/c/${department}?in_stock=1&sort=${sort}`);
  await page.getByTestId('product-card').first().getByRole('link').click();
  const name = (await page.getByRole('heading', { level: 1 }).innerText()).trim();
  await expect(page.getByRole('button', { name: 'Add to cart' })).toBeEnabled();
  if (jsEnabled(test.info())) {
    await expect(page.getByTestId('variant-picker')).toHaveAttribute('data-hydrated', 'true');
    const productUrl = page.url();
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await expect(page.getByTestId('added')).toContainText(`Added ${name}`);
    expect(page.url()).toBe(productUrl);
    await expect(page.getByTestId('cart-count')).toBeVisible();
    await page.getByTestId('view-cart').click();
    await expect(page).toHaveURL(/\/cart$/);
  } else {
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await expect(page).toHaveURL(/\/cart$/);
    await expect(page.getByTestId('notice')).toContainText(`Added ${name}`);
  }
  return name;
}

/** Polls the dev mailbox until a message with `subject` reaches `email` (the worker sends it). */
export async function expectMail(page: Page, email: string, subject: RegExp) {
  await expect(async () => {
    await page.goto(`/dev/mailbox?to=${encodeURIComponent(email)}`);
    await expect(page.getByTestId('mail').filter({ hasText: subject })).toHaveCount(1, { timeout: 500 });
  }).toPass({ timeout: 15_000 });
}

/** Fills in a UK shipping address and picks insured shipping (the checkout of a ring). */
export async function fillShippingAddress(page: Page) {
  await page.getByLabel('Full name', { exact: true }).fill('Ada Lovelace');
  await page.getByLabel('Street address', { exact: true }).fill('1 Analytical Way');
  await page.getByLabel('City', { exact: true }).fill('London');
  await page.getByLabel('Postal code', { exact: true }).fill('N1 9GU');
  await page.getByLabel('Country', { exact: true }).selectOption('GB');
  await page.getByLabel(/Insured/).check();
}

export async function pay(page: Page, card: string) {
  await page.getByLabel('Card number', { exact: true }).fill(card);
  await page.getByRole('button', { name: /^Pay / }).click();
}


/** A guest buys the cheapest game in stock with a good card; returns the order number (without #) and its id. */
export async function guestBuysGame(page: Page, email: string): Promise<{ number: string; orderId: string }> {
  await addFirstInStock(page, 'games');
  await page.getByTestId('to-checkout').click();
  await page.getByLabel('E-mail address', { exact: true }).fill(email);
  await page.getByRole('button', { name: 'Review and pay' }).click();
  await pay(page, '4242 4242 4242 4242');
  await expect(page.getByTestId('order-status')).toHaveText('Paid');
  const number = (await page.getByTestId('order-number').innerText()).replace('#', '');
  const orderId = page.url().match(/\/order\/([0-9a-f-]{36})/)![1];
  return { number, orderId };
}

/** Signs in as the demo admin (no second factor on the demo account). */
export async function signInAsAdmin(page: Page) {
  await signInAs(page, 'admin@example.com', 'Admin-demo-2026!');
}

/** Signs in as the demo support member (orders and customers, small refunds). */
export async function signInAsSupport(page: Page) {
  await signInAs(page, 'support@example.com', 'Support-demo-2026!');
}

async function signInAs(page: Page, email: string, password: string) {
  await page.goto('/account/sign-in');
  await page.getByLabel('E-mail address', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).not.toHaveURL(/sign-in/);
}

/** Opens an account for `email` (sign-up, the e-mailed code, sign-in). */
export async function signUpAndSignIn(page: Page, email: string) {
  await page.goto('/account/sign-up');
  await page.getByLabel('E-mail address', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill('Correct-Horse-9');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expectMail(page, email, /Confirm your e-mail/);
  const code = await codeFromMailbox(page, email, /Confirm your e-mail/);
  await page.goto('/account/confirm');
  await page.getByLabel('Code', { exact: true }).fill(code);
  await page.getByRole('button', { name: 'Confirm' }).click();
  await page.getByLabel('E-mail address', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill('Correct-Horse-9');
  await page.getByRole('button', { name: 'Sign in' }).click();
}
