import { expect, test, type Page } from '@playwright/test';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { jsEnabled, shot, uniqueEmail } from './helpers';
import { addFirstInStock, expectMail, fillShippingAddress, pay, signUpAndSignIn } from './shop';

test('a guest buys a game: declined card, then a good one', async ({ page }, testInfo) => {
  const email = uniqueEmail(testInfo, 'gamer');
  const name = await addFirstInStock(page, 'games');
  await expect(page.getByTestId('cart-line')).toHaveCount(1);
  await expect(page.getByTestId('cart-line')).toContainText(name);
  if (jsEnabled(testInfo)) await expect(page.getByTestId('cart-count')).toHaveText(/^1/);
  await shot(page, testInfo, 'cart');

  await page.getByTestId('to-checkout').click();
  await expect(page).toHaveURL(/\/checkout$/);
  // A game ships nowhere: no address asked.
  await expect(page.getByLabel('Street address', { exact: true })).toHaveCount(0);
  await page.getByLabel('E-mail address', { exact: true }).fill(email);
  await shot(page, testInfo, 'checkout-game');
  await page.getByRole('button', { name: 'Review and pay' }).click();

  await expect(page).toHaveURL(/\/pay\/[0-9a-f-]{36}$/);
  const payUrl = page.url();
  await expect(page.getByTestId('order-summary')).toContainText(name);
  const total = await page.getByTestId('order-total').innerText();
  expect(total).toMatch(/€\d/);
  await shot(page, testInfo, 'pay');
  await pay(page, '4000 0000 0000 0002');
  await expect(page.getByTestId('form-error')).toContainText('declined');
  await pay(page, '4242 4242 4242 4242');
  await expect(page).toHaveURL(/\/order\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId('order-status')).toHaveText('Paid');
  await expect(page.getByRole('heading', { name: 'Thank you for your order' })).toBeVisible();
  const number = (await page.getByTestId('order-number').innerText()).replace('#', '');
  await shot(page, testInfo, 'order-confirmation');

  // Back on the pay page (a back button, a second tab) there is nothing left to pay.
  await page.goto(payUrl);
  await expect(page.getByTestId('pay-form')).toHaveCount(0);
  await expect(page.getByRole('link', { name: /This order is Paid/ })).toBeVisible();
  await page.goto('/cart');
  await expect(page.getByTestId('cart-empty')).toBeVisible();
  await expectMail(page, email, new RegExp(`Order confirmation #${number}`));
  await expectMail(page, email, new RegExp(`Payment received for order #${number}`));
  // The key arrives in the library (the e-mail only links to it); hidden until revealed.
  await expectMail(page, email, new RegExp(`Your game keys for order #${number} are ready`));
  const keyMail = await page.getByTestId('mail').filter({ hasText: 'game keys' }).getByTestId('mail-body').innerText();
  expect(keyMail).not.toMatch(/PF-[A-Z0-9]{5}-/);
  await page.goto('/account/library');
  const card = page.getByTestId('library-key').filter({ hasText: `Order #${number}` });
  await expect(card.getByTestId('license-key')).toHaveCount(0);
  await shot(page, testInfo, 'library-hidden');
  await card.getByRole('button', { name: 'Reveal key' }).click();
  const key = await card.getByTestId('license-key').inputValue();
  expect(key).toMatch(/^PF-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}$/);
  if (jsEnabled(testInfo)) {
    // Copy puts exactly the key on the clipboard.
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await card.getByTestId('copy-key').click();
    await expect(card.getByTestId('copy-key')).toHaveText('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
  }
  await shot(page, testInfo, 'library-revealed');
  await card.getByRole('button', { name: 'Mark as redeemed' }).click();
  await expect(card.getByTestId('redeemed')).toBeVisible();
  const keyId = (await card.getAttribute('id'))!.replace('key-', '');

  // The game's newest build downloads through a fresh signed link; its bytes match the checksum shown.
  const build = card.getByTestId('library-build');
  await expect(build.getByTestId('build-version')).toHaveText('1.1.0');
  await expect(build.getByTestId('download-count')).toHaveText('Not downloaded yet');
  const sha = (await build.getByTestId('build-sha').innerText()).trim();
  const downloading = page.waitForEvent('download');
  await build.getByRole('button', { name: /Download version/ }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/-1\.1\.0\.bin$/);
  const bytes = readFileSync(await download.path());
  expect(bytes.length).toBeGreaterThan(100_000);
  expect(createHash('sha256').update(bytes).digest('hex')).toBe(sha);
  expect(bytes.subarray(0, 60).toString('latin1')).toContain('1.1.0 (demo build)');
  await page.goto('/account/library');
  await expect(card.getByTestId('download-count')).toHaveText('Downloaded once');
  await shot(page, testInfo, 'library-downloaded');

  // Someone else (no cookies: another browser) sees no library and cannot reveal the key.
  await page.context().clearCookies();
  await page.goto('/account/library');
  await expect(page.getByTestId('library-key')).toHaveCount(0);
  const stranger = await page.request.post('/api/library/reveal', { form: { key_id: keyId }, maxRedirects: 0 });
  expect([302, 303, 404]).toContain(stranger.status());
  const grab = await page.request.post('/api/library/download', { form: { key_id: keyId }, maxRedirects: 0 });
  expect([302, 303, 404]).toContain(grab.status());
  expect(grab.headers()['location'] ?? '').not.toContain('/files/');
  await page.goto('/account/library');
  await expect(page.getByText(key)).toHaveCount(0);
});

/** A guest fills in the ring's shipping address and goes to the pay page. */
async function ringCheckout(page: Page, email: string) {
  await addFirstInStock(page, 'jewelry');
  await page.getByTestId('to-checkout').click();
  await page.getByLabel('E-mail address', { exact: true }).fill(email);
  // Without an address the order is refused with a clear message and nothing is held.
  await fillShippingAddress(page);
}

test('a guest buys a ring with insured shipping', async ({ page }, testInfo) => {
  const email = uniqueEmail(testInfo, 'ringer');
  await ringCheckout(page, email);
  await shot(page, testInfo, 'checkout-ring');
  await page.getByRole('button', { name: 'Review and pay' }).click();
  await expect(page).toHaveURL(/\/pay\//);
  await expect(page.getByTestId('order-summary')).toContainText('Shipping (insured)');
  await pay(page, '4242424242424242');
  await expect(page.getByTestId('order-status')).toHaveText('Paid');
});

test('a server function never takes a price from the client', async ({ page, request }) => {
  await addFirstInStock(page, 'games');
  // Unknown fields (a price, a total) are refused outright.
  const res = await page.request.post('/api/cart/add', {
    form: { variant_id: '1', quantity: '1', price_minor: '1' },
  });
  expect(res.status()).toBe(400);
  const bad = await request.post('/api/cart/add', { form: { variant_id: '1', quantity: '1000' } });
  expect([400, 302]).toContain(bad.status());
});

test('a signed-in shopper buys a game and finds it in their order history', async ({ page }, testInfo) => {
  const email = uniqueEmail(testInfo, 'member');
  // A fresh account (the demo shopper is shared by every project).
  await signUpAndSignIn(page, email);
  await expect(page.getByTestId('no-orders')).toBeVisible();

  await addFirstInStock(page, 'games');
  await page.getByTestId('to-checkout').click();
  await expect(page.getByLabel('E-mail address', { exact: true })).toHaveValue(email);
  // The welcome code: 10% off, once per customer; the server computes it.
  await page.getByLabel('Discount code (optional)', { exact: true }).fill('welcome10');
  await page.getByRole('button', { name: 'Review and pay' }).click();
  await expect(page.getByTestId('discount')).toContainText('€');
  await shot(page, testInfo, 'pay-with-discount');
  await pay(page, '4242 4242 4242 4242');
  await expect(page.getByTestId('order-status')).toHaveText('Paid');
  const number = await page.getByTestId('order-number').innerText();

  await page.goto('/account');
  await expect(page.getByTestId('order-history')).toContainText(number);
  await expect(page.getByTestId('order-history')).toContainText('Paid');
  await shot(page, testInfo, 'account-orders');
  await page.getByTestId('order-history').getByRole('link', { name: number }).click();
  await expect(page.getByTestId('order-number')).toHaveText(number);
});

test('a slow bank: the order page waits, then shows the payment', async ({ page }, testInfo) => {
  const email = uniqueEmail(testInfo, 'slowbank');
  await addFirstInStock(page, 'games');
  await page.getByTestId('to-checkout').click();
  await page.getByLabel('E-mail address', { exact: true }).fill(email);
  await page.getByRole('button', { name: 'Review and pay' }).click();
  await pay(page, '4000 0000 0000 3220');
  await expect(page).toHaveURL(/\/order\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId('order-waiting')).toBeVisible();
  await expect(page.getByTestId('order-status')).toHaveText('Waiting for payment');
  await shot(page, testInfo, 'order-waiting');
  // The page refreshes itself (a meta refresh: with or without JavaScript) until the bank answers.
  await expect(page.getByTestId('order-status')).toHaveText('Paid', { timeout: 20_000 });
  await expect(page.getByTestId('order-waiting')).toHaveCount(0);
});

test('staff ship a ring and refund it; the guest follows the e-mailed link', async ({ page }, testInfo) => {
  const email = uniqueEmail(testInfo, 'shipped');
  await ringCheckout(page, email);
  await page.getByRole('button', { name: 'Review and pay' }).click();
  await pay(page, '4242 4242 4242 4242');
  await expect(page.getByTestId('order-status')).toHaveText('Paid');
  const number = (await page.getByTestId('order-number').innerText()).replace('#', '');

  // A shopper is refused the staff pages; the admin gets them.
  await page.goto('/admin/orders');
  await expect(page.getByTestId('admin-orders')).toHaveCount(0);
  await page.goto('/account/sign-in');
  await page.getByLabel('E-mail address', { exact: true }).fill('admin@example.com');
  await page.getByLabel('Password', { exact: true }).fill('Admin-demo-2026!');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.goto('/admin/orders');
  const row = page.locator(`[data-testid="admin-order"][data-number="${number}"]`);
  await expect(row.getByTestId('admin-order-status')).toHaveText('Paid');
  // A tracking number that is not one changes nothing.
  await row.getByLabel('Tracking number', { exact: true }).fill('<b>');
  await row.getByRole('button', { name: 'Mark shipped' }).click();
  await expect(page.getByTestId('form-error')).toContainText('tracking number');
  await expect(row.getByTestId('admin-order-status')).toHaveText('Paid');
  await row.getByLabel('Tracking number', { exact: true }).fill('1Z999AA10123456784');
  await shot(page, testInfo, 'admin-orders');
  await row.getByRole('button', { name: 'Mark shipped' }).click();
  await expect(page.getByTestId('notice')).toContainText('shipped');
  await expect(row.getByTestId('admin-order-status')).toHaveText('Shipped');
  await row.getByText('Refund…').click();
  await row.getByRole('button', { name: `Refund order #${number}` }).click();
  await expect(page.getByTestId('notice')).toContainText('refund');
  await expect(row.getByTestId('admin-order-status')).toHaveText('Refunded');
  await expect(row.getByRole('button', { name: `Refund order #${number}` })).toHaveCount(0);

  // The guest, on another device (no cookies), follows the link in the "shipped" e-mail.
  await expectMail(page, email, new RegExp(`Order #${number} has shipped`));
  await expectMail(page, email, new RegExp(`Refund for order #${number}`));
  const body = await page.getByTestId('mail').filter({ hasText: 'has shipped' }).getByTestId('mail-body').innerText();
  expect(body).toContain('Tracking number: 1Z999AA10123456784');
  const link = body.match(/\/order\/[0-9a-f-]{36}\?token=[0-9a-f]{64}/)![0];
  await page.context().clearCookies();
  await page.goto(link.replace(/token=.*/, 'token=' + '0'.repeat(64)));
  await expect(page.getByTestId('order-number')).toHaveCount(0);
  await page.goto(link);
  await expect(page.getByTestId('order-number')).toHaveText(`#${number}`);
  await expect(page.getByTestId('order-status')).toHaveText('Refunded');
  await expect(page.getByTestId('tracking-number')).toHaveText('1Z999AA10123456784');
  await shot(page, testInfo, 'order-by-link');
});
