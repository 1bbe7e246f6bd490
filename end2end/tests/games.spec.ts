import { expect, test } from '@playwright/test';
import { jsEnabled, shot, uniqueEmail } from './helpers';
import { expectMail, guestBuysGame, signInAsAdmin, signUpAndSignIn } from './shop';

test('a limited drop counts down, opens at its launch and shows the keys left live', async ({ page, browser }, testInfo) => {
  // A fresh drop for this test (development helper): 5 keys, launching in a few seconds.
  const made = await page.request.post('/api/dev/drop', { form: { launch_in_secs: '7', keys: '5' } });
  expect(made.ok()).toBeTruthy();
  const path: string = await made.json();
  await page.goto(path);
  await expect(page.getByTestId('drop-badge')).toHaveText('Limited drop');
  await expect(page.getByTestId('countdown')).toContainText('Launches in');
  const buy = page.getByRole('button', { name: 'Add to cart' });
  await expect(buy).toBeDisabled();
  await shot(page, testInfo, 'drop-countdown');
  // The server refuses it too before the launch, with a clear message.
  const variantId = await page.locator('input[name="variant_id"]').inputValue();
  const early = await page.request.post('/api/cart/add-in-place', { form: { variant_id: variantId, quantity: '1' } });
  expect(early.status()).toBe(400);
  expect(await early.text()).toContain('Not on sale yet');

  if (jsEnabled(testInfo)) {
    // At the launch the page opens by itself: the button enables and the keys left show.
    await expect(page.getByTestId('keys-left')).toHaveText('5 keys left', { timeout: 15_000 });
    await expect(buy).toBeEnabled();
  } else {
    await page.waitForTimeout(7_500);
    await page.reload();
    await expect(page.getByTestId('keys-left')).toHaveText('5 keys left');
  }
  // Another shopper (another browser) buys one; this page, left open, follows without a reload.
  const other = await browser.newContext();
  const r = other.request;
  expect((await r.post('/api/cart/add-in-place', { form: { variant_id: variantId, quantity: '1' } })).ok()).toBeTruthy();
  const placed = await r.post('/api/checkout/place', {
    form: { checkout_key: crypto.randomUUID(), email: uniqueEmail(testInfo, 'dropper') },
    maxRedirects: 0,
  });
  const orderId = placed.headers()['location']!.match(/\/pay\/([0-9a-f-]{36})/)![1];
  const paid = await r.post('/api/pay/card', { form: { order_id: orderId, card_number: '4242424242424242' }, maxRedirects: 0 });
  expect(paid.headers()['location']).toContain(`/order/${orderId}`);
  await other.close();
  if (jsEnabled(testInfo)) {
    await expect(page.getByTestId('keys-left')).toHaveText('4 keys left', { timeout: 10_000 });
  } else {
    await page.reload();
    await expect(page.getByTestId('keys-left')).toHaveText('4 keys left');
  }
  await shot(page, testInfo, 'drop-live');
});

test('refunds: an untouched game at once, a revealed key after staff review', async ({ page }, testInfo) => {
  const email = uniqueEmail(testInfo, 'refunder');
  // Nothing revealed or downloaded: refunded at once.
  const first = await guestBuysGame(page, email);
  await page.getByText('Request a refund').click();
  await page.getByLabel('Why do you want a refund?', { exact: true }).fill('Bought the wrong game');
  await shot(page, testInfo, 'refund-request');
  await page.getByRole('button', { name: 'Request refund' }).click();
  await expect(page.getByTestId('order-status')).toHaveText('Refunded');
  await expectMail(page, email, new RegExp(`Refund for order #${first.number}`));

  // A revealed key: the request waits for staff.
  const second = await guestBuysGame(page, email);
  // The key is assigned by the worker right after payment; its e-mail says it is there.
  await expectMail(page, email, new RegExp(`Your game keys for order #${second.number} are ready`));
  await page.goto('/account/library');
  const card = page.getByTestId('library-key').filter({ hasText: `Order #${second.number}` });
  await card.getByRole('button', { name: 'Reveal key' }).click();
  await expect(card.getByTestId('license-key')).toBeVisible();
  await page.goto(`/order/${second.orderId}`);
  await page.getByText('Request a refund').click();
  await page.getByLabel('Why do you want a refund?', { exact: true }).fill('It does not start on my machine');
  await page.getByRole('button', { name: 'Request refund' }).click();
  await expect(page.getByTestId('refund-state')).toContainText('waiting for our staff');
  await expect(page.getByTestId('order-status')).toHaveText('Paid');
  await shot(page, testInfo, 'refund-waiting');

  // Staff see the request with what was used, and approve it.
  await page.context().clearCookies();
  await signInAsAdmin(page);
  await page.goto('/admin/orders');
  const request = page.locator(`[data-testid="refund-request"][data-number="${second.number}"]`);
  await expect(request).toContainText('1 key(s) revealed');
  await expect(request).toContainText('It does not start on my machine');
  await shot(page, testInfo, 'admin-refund-queue');
  await request.getByRole('button', { name: `Approve the refund of order #${second.number}` }).click();
  await expect(page.getByTestId('notice')).toContainText('Refund approved');
  await expect(request).toHaveCount(0);
  const row = page.locator(`[data-testid="admin-order"][data-number="${second.number}"]`);
  await expect(row.getByTestId('admin-order-status')).toHaveText('Refunded');
});

test("a guest's game joins the account they open with the same address", async ({ page }, testInfo) => {
  const email = uniqueEmail(testInfo, 'joiner');
  const { number } = await guestBuysGame(page, email);
  await expectMail(page, email, new RegExp(`Your game keys for order #${number} are ready`));
  // Another device: no cookies, so nothing but the account can show the game.
  await page.context().clearCookies();
  await signUpAndSignIn(page, email);
  await page.goto('/account/library');
  await expect(page.getByTestId('library-key').filter({ hasText: `Order #${number}` })).toHaveCount(1);
  await page.goto('/account');
  await expect(page.getByTestId('order-history')).toContainText(`#${number}`);
});

test('staff fill a key pool by import and by pattern; a bad file adds nothing', async ({ page }, testInfo) => {
  // A game nobody can buy during the test (it launches in an hour), so its pool changes only here.
  const made = await page.request.post('/api/dev/drop', { form: { launch_in_secs: '3600', keys: '1' } });
  const slug: string = (await made.json()).replace('/p/', '');
  const sku = `DROP-${slug.split('-').pop()!.toUpperCase()}`;
  await signInAsAdmin(page);
  await page.goto('/admin');
  await page.getByRole('link', { name: 'Game keys' }).click();
  await expect(page).toHaveURL(/\/admin\/keys$/);
  const available = page.locator(`[data-testid="key-pool"][data-sku="${sku}"]`).getByTestId('pool-available');
  await expect(available).toHaveText('1');
  const before = 1;
  const variant = { label: `Founders Drop · PC · Founder (${sku})` };

  // Unique keys for this run and project (other projects import at the same time).
  const tag = `${testInfo.project.name.replace(/[^a-z]/g, '').toUpperCase()}${Date.now().toString(36).toUpperCase()}`;
  const import_ = page.getByTestId('import-keys');
  await import_.getByLabel('Game', { exact: true }).selectOption(variant);
  await import_.getByLabel(/Keys, one per line/).fill(`${tag}-AAAA-1111\n${tag}-BBBB-2222\n${tag}-aaaa-1111\n`);
  await import_.getByRole('button', { name: 'Import keys' }).click();
  await expect(page.getByTestId('form-error')).toContainText('line 3: duplicate of line 1');
  await expect(available).toHaveText(String(before));
  await shot(page, testInfo, 'admin-keys-error');

  await page.getByTestId('import-keys').getByLabel('Game', { exact: true }).selectOption(variant);
  await page.getByTestId('import-keys').getByLabel(/Keys, one per line/).fill(`${tag}-AAAA-1111\n${tag}-BBBB-2222\n`);
  await page.getByTestId('import-keys').getByRole('button', { name: 'Import keys' }).click();
  await expect(page.getByTestId('notice')).toHaveText('2 keys added to the pool.');
  await expect(available).toHaveText(String(before + 2));

  const generate = page.getByTestId('generate-keys');
  await generate.getByLabel('Game', { exact: true }).selectOption(variant);
  await generate.getByLabel('How many', { exact: true }).fill('3');
  await generate.getByLabel('Pattern', { exact: true }).fill('XXXX-XXXX');
  await generate.getByRole('button', { name: 'Generate keys' }).click();
  await expect(page.getByTestId('form-error')).toContainText('at least 16 X');
  await page.getByTestId('generate-keys').getByLabel('Game', { exact: true }).selectOption(variant);
  await page.getByTestId('generate-keys').getByLabel('How many', { exact: true }).fill('3');
  await page.getByTestId('generate-keys').getByRole('button', { name: 'Generate keys' }).click();
  await expect(page.getByTestId('notice')).toHaveText('3 keys generated into the pool.');
  await expect(available).toHaveText(String(before + 5));
  await shot(page, testInfo, 'admin-keys');
});
