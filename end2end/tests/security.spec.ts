import { expect, test } from '@playwright/test';
import { jsEnabled, shot } from './helpers';
import { addFirstInStock } from './shop';

const SHOPPER = { email: 'shopper@example.com', password: 'Shopper-demo-2026!' };

test('a hostile search term stays text in the title and the browser stays on the shop', async ({ page, baseURL }, testInfo) => {
  const hostile = '</title><meta http-equiv="refresh" content="0;url=https://elsewhere.example/">';
  await page.goto(`/search?q=${encodeURIComponent(hostile)}`);
  await page.waitForTimeout(1500); // a live refresh would have fired by now
  expect(new URL(page.url()).origin).toBe(new URL(baseURL!).origin);
  await expect(page).toHaveTitle(new RegExp(hostile.slice(0, 20).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')));
  await expect(page.locator('meta[http-equiv]')).toHaveCount(0);
  await expect(page.locator('head svg, body > meta')).toHaveCount(0);
  await expect(page.locator('#q')).toHaveValue(hostile);
  await shot(page, testInfo, 'search-hostile');
});

test('after sign-in, a next that points elsewhere lands on the account page', async ({ page, baseURL }) => {
  for (const next of ['/\t/elsewhere.example/', '//elsewhere.example/', '/%2F/elsewhere.example']) {
    await page.context().clearCookies();
    await page.goto(`/account/sign-in?next=${encodeURIComponent(next)}`);
    await page.getByLabel('E-mail address', { exact: true }).fill(SHOPPER.email);
    await page.getByLabel('Password', { exact: true }).fill(SHOPPER.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(`${baseURL}/account`);
  }
});

test("another browser sending someone's checkout key gets an order of its own", async ({ page, browser }) => {
  // Alice checks out: her order is behind her checkout key.
  await addFirstInStock(page, 'games');
  await page.getByTestId('to-checkout').click();
  const key = await page.locator('input[name="checkout_key"]').inputValue();
  await page.getByLabel('E-mail address', { exact: true }).fill('alice-key@example.com');
  await page.getByRole('button', { name: 'Review and pay' }).click();
  await expect(page).toHaveURL(/\/pay\/[0-9a-f-]{36}$/);
  const aliceOrder = page.url().split('/pay/')[1];

  // Mallory, in another browser with a cart of her own, posts Alice's key.
  const mallory = await browser.newContext({ javaScriptEnabled: test.info().project.use.javaScriptEnabled });
  const other = await mallory.newPage();
  await addFirstInStock(other, 'games');
  const res = await other.request.post('/api/checkout/place', {
    form: { checkout_key: key, email: 'mallory@example.com' },
    headers: { accept: 'text/html' },
    maxRedirects: 0,
  });
  expect(res.status()).toBe(302);
  const location = res.headers()['location'];
  expect(location).toMatch(/^\/pay\/[0-9a-f-]{36}$/);
  expect(location).not.toContain(aliceOrder);
  const page404 = await other.goto(`/order/${aliceOrder}`);
  expect(page404?.status()).toBe(404);
  await expect(other.getByTestId('error-page')).toBeVisible();
  await mallory.close();

  // Alice still has hers.
  await page.goto(`/order/${aliceOrder}`);
  await expect(page.getByTestId('order-number')).toBeVisible();
});

test('odd bytes in a form get a clear answer, not a dropped connection', async ({ request }) => {
  for (const [path, form] of [
    ['/api/pay/card', { order_id: 'x\x7f', card_number: '4242424242424242' }],
    ['/api/orders/refund', { order_id: 'x\x01', reason: 'r' }],
    ['/api/account/sign-in', { email: SHOPPER.email, password: SHOPPER.password, next: '/\x7f' }],
  ] as const) {
    const res = await request.post(path, { form, headers: { accept: 'text/html' }, maxRedirects: 0 });
    expect(res.status(), path).toBeLessThan(500);
    const location = res.headers()['location'];
    if (location) expect(location, path).toMatch(/^\/(?![/\\])/);
  }
});

test('a script injected into a public page does not run, while the shop\'s own scripts do', async ({ page }, testInfo) => {
  test.skip(!jsEnabled(testInfo), 'needs JavaScript');
  // Whatever got into the page (a bug in escaping, a tampering proxy), the page's policy admits only
  // the shop's hashed bootstrap: an inline script added to the served HTML is refused.
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  let policy = '';
  await page.route('**/c/rings', async (route) => {
    const response = await route.fetch();
    policy = response.headers()['content-security-policy'] ?? '';
    const html = (await response.text()).replace('<body>', '<body><script>window.__injected = true;</script>');
    await route.fulfill({ response, body: html });
  });
  await page.goto('/c/rings');
  expect(policy, 'a public page: hashes, no nonce').toMatch(/script-src 'self' 'sha256-[^']+'/);
  expect(policy).not.toContain('unsafe-inline');
  expect(policy).not.toContain("'nonce-");
  // The shop's own scripts ran: the filter island hydrated (the bootstrap and the bundle it loads).
  await expect(page.locator('.auto-submit').first()).toHaveAttribute('data-hydrated', 'true');
  expect(await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected)).toBeUndefined();
  expect(violations.join('\n')).toMatch(/script/i);
});
