import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { jsEnabled, shot, uniqueEmail } from './helpers';
import { addFirstInStock, expectMail, fillShippingAddress, pay, signInAsAdmin, signInAsSupport, signUpAndSignIn } from './shop';

/**
 * The order desk as support and an admin use it: find an order by the buyer's e-mail, read its
 * timeline, ship it; a refund above the support limit is refused and changes nothing, an admin
 * makes it; the audit log shows who did each. With JavaScript and without, on a phone and a desktop.
 */
test('support ship an order but a large refund needs an admin; the audit log shows who did what', async ({ page }, testInfo) => {
  const email = uniqueEmail(testInfo, 'desk');
  // The dearest ring in stock: far above the support refund limit (EUR 100).
  await addFirstInStock(page, 'jewelry', 'price-desc');
  await page.getByTestId('to-checkout').click();
  await page.getByLabel('E-mail address', { exact: true }).fill(email);
  await fillShippingAddress(page);
  await page.getByRole('button', { name: 'Review and pay' }).click();
  await pay(page, '4242 4242 4242 4242');
  await expect(page.getByTestId('order-status')).toHaveText('Paid');
  const number = (await page.getByTestId('order-number').innerText()).replace('#', '');
  const orderId = page.url().match(/\/order\/([0-9a-f-]{36})/)![1];

  await signInAsSupport(page);
  await page.goto('/admin/orders');
  // Support see the desk, not the catalog.
  const nav = page.getByTestId('admin-nav');
  await expect(nav.getByRole('link', { name: 'Orders' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Products' })).toHaveCount(0);
  await page.getByLabel('Search', { exact: true }).fill(email.toUpperCase());
  await page.getByRole('button', { name: 'Find' }).click();
  await expect(page.getByTestId('admin-order')).toHaveCount(1);
  await expect(page.getByTestId('admin-order')).toHaveAttribute('data-number', number);
  await shot(page, testInfo, 'admin-orders-found');
  // The found orders as a file.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('orders-csv').click()]);
  expect(download.suggestedFilename()).toMatch(/^orders-\d{8}-\d{6}\.csv$/);
  expect(readFileSync((await download.path())!, 'utf8')).toContain(email);
  // With JavaScript the download shows its progress, counted against the announced rows.
  if (jsEnabled(testInfo)) await expect(page.getByTestId('orders-csv-progress')).toContainText(/Downloaded \d+ rows\./);
  await page.getByTestId('order-link').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Order #${number}`);
  await expect(page.getByTestId('timeline')).toContainText(`Order placed by ${email}`);
  await expect(page.getByTestId('timeline')).toContainText('Paid');

  await page.getByLabel('Tracking number', { exact: true }).fill('1Z999AA10123456784');
  await page.getByRole('button', { name: 'Mark shipped' }).click();
  await expect(page.getByTestId('notice')).toContainText('shipped');
  await expect(page.getByTestId('admin-order-status')).toHaveText('Shipped');
  await expect(page.getByTestId('timeline')).toContainText('order.ship by support@example.com');
  // The packing slip: the address and the items, no prices.
  await page.getByTestId('packing-slip').click();
  await expect(page.getByTestId('slip-address')).toContainText('1 Analytical Way');
  await expect(page.getByTestId('slip-line')).toHaveCount(1);
  await expect(page.getByTestId('slip')).not.toContainText('€');
  await shot(page, testInfo, 'packing-slip');
  await page.goBack();

  await page.getByText('Refund…').click();
  await page.getByRole('button', { name: `Refund order #${number}` }).click();
  await expect(page.getByTestId('form-error')).toContainText('Refunds above €100.00 need an admin.');
  await expect(page.getByTestId('admin-order-status')).toHaveText('Shipped');
  await shot(page, testInfo, 'admin-order-refused');
  // And the catalog is not theirs.
  const products = await page.goto('/admin/products');
  expect(products?.status()).toBe(403);

  await page.goto('/account');
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await signInAsAdmin(page);
  await page.goto(`/admin/orders/${number}`);
  await page.getByText('Refund…').click();
  await page.getByRole('button', { name: `Refund order #${number}` }).click();
  await expect(page.getByTestId('notice')).toContainText('refund');
  await expect(page.getByTestId('admin-order-status')).toHaveText('Refunded');
  await page.getByLabel('E-mail', { exact: true }).selectOption({ label: 'Shipped' });
  await page.getByRole('button', { name: 'Send again' }).click();
  await expect(page.getByTestId('notice')).toContainText('on its way again');
  await shot(page, testInfo, 'admin-order');

  // The audit log: each action, who did it.
  await page.getByTestId('admin-nav').getByRole('link', { name: 'Audit log' }).click();
  await page.getByLabel('What', { exact: true }).selectOption('order');
  await page.getByLabel('Action', { exact: true }).fill('order.');
  await page.getByRole('button', { name: 'Filter' }).click();
  const mine = page.getByTestId('audit-entry').filter({ has: page.locator(`a[href="/admin/orders/${orderId}"]`) });
  await expect(mine.filter({ hasText: 'order.resend_email' })).toContainText('admin@example.com');
  await expect(mine.filter({ hasText: 'order.refund' })).toContainText('admin@example.com');
  await expect(mine.filter({ hasText: 'order.ship' })).toContainText('support@example.com');
  await shot(page, testInfo, 'admin-audit');
  // The same filter as a file.
  const csv = await page.request.get((await page.getByTestId('audit-csv').getAttribute('href'))!);
  expect(csv.status()).toBe(200);
  expect(await csv.text()).toContain('order.ship');
});

test('an admin refunds one line of two: the buyer\'s order page and e-mail show it, and the rest still ships', async ({ page, browser }, testInfo) => {
  const email = uniqueEmail(testInfo, 'partial');
  const game = await addFirstInStock(page, 'games');
  const ring = await addFirstInStock(page, 'jewelry');
  await page.getByTestId('to-checkout').click();
  await page.getByLabel('E-mail address', { exact: true }).fill(email);
  await fillShippingAddress(page);
  await page.getByRole('button', { name: 'Review and pay' }).click();
  await pay(page, '4242 4242 4242 4242');
  await expect(page.getByTestId('order-status')).toHaveText('Paid');
  const number = (await page.getByTestId('order-number').innerText()).replace('#', '');

  const staffContext = await browser.newContext({ ...test.info().project.use });
  const staff = await staffContext.newPage();
  await signInAsAdmin(staff);
  // The dashboard's refunds before (other tests may refund at the same time: it only grows).
  const euros = (text: string) => Math.round(parseFloat(text.replace(/[^0-9.]/g, '')) * 100);
  await staff.goto('/admin');
  const refundsBefore = euros(await staff.getByTestId('kpi-refunds-value').innerText());
  await staff.goto('/admin/orders');
  await staff.getByLabel('Search', { exact: true }).fill(email);
  await staff.getByRole('button', { name: 'Find' }).click();
  await staff.getByTestId('order-link').click();
  await expect(staff.getByRole('heading', { level: 1 })).toHaveText(`Order #${number}`);
  await staff.getByText('Refund items or an amount…').click();
  const form = staff.getByTestId('refund-part');
  await form.getByLabel(ring).fill('1');
  await form.getByLabel('Reason (for the timeline)').fill('Wrong size');
  await shot(staff, testInfo, 'admin-partial-refund-form');
  await staff.getByRole('button', { name: `Refund the chosen items of order #${number}` }).click();
  await expect(staff.getByTestId('notice')).toContainText('on its way back to the buyer');
  await expect(staff.getByTestId('admin-order-status')).toHaveText('Partly refunded');
  await expect(staff.getByTestId('line-refunded')).toHaveText('1 refunded');
  await expect(staff.getByTestId('timeline')).toContainText(`Refunded`);
  await expect(staff.getByTestId('timeline')).toContainText('Wrong size');
  await expect(staff.getByTestId('timeline')).toContainText('order.refund_part by admin@example.com');
  // The ring came back before it shipped: nothing is left to ship.
  await expect(staff.getByRole('button', { name: 'Mark shipped' })).toHaveCount(0);
  await shot(staff, testInfo, 'admin-partially-refunded');
  // The dashboard's refund figure moved by at least this refund.
  const refundedCents = euros(await staff.getByTestId('admin-order-refunded').innerText());
  await staff.goto('/admin');
  expect(euros(await staff.getByTestId('kpi-refunds-value').innerText()) - refundsBefore).toBeGreaterThanOrEqual(refundedCents);
  await shot(staff, testInfo, 'admin-dashboard');
  await staffContext.close();

  // The buyer's order page: the ring refunded, the game still theirs.
  await page.reload();
  await expect(page.getByTestId('order-status')).toHaveText('Partly refunded');
  await expect(page.getByTestId('line-refunded')).toHaveCount(1);
  await expect(page.getByTestId('order-summary').getByRole('row').filter({ hasText: ring })).toContainText('1 refunded');
  await expect(page.getByTestId('order-summary').getByRole('row').filter({ hasText: game })).not.toContainText('refunded');
  const refunded = await page.getByTestId('order-refunded').innerText();
  expect(refunded).toMatch(/^−€\d/);
  await shot(page, testInfo, 'order-partially-refunded');
  await expectMail(page, email, /Refund for order #/);
  await expect(page.getByTestId('mail').filter({ hasText: /Refund for order #/ })).toContainText(`1 × ${ring}`);
});

test('support cancel an order that was never paid', async ({ page }, testInfo) => {
  const email = uniqueEmail(testInfo, 'unpaid');
  await addFirstInStock(page, 'games');
  await page.getByTestId('to-checkout').click();
  await page.getByLabel('E-mail address', { exact: true }).fill(email);
  await page.getByRole('button', { name: 'Review and pay' }).click();
  await expect(page).toHaveURL(/\/pay\//);
  await signInAsSupport(page);
  await page.goto(`/admin/orders?q=${encodeURIComponent(email)}&status=pending_payment`);
  await expect(page.getByTestId('admin-order')).toHaveCount(1);
  await page.getByTestId('order-link').click();
  await expect(page.getByTestId('admin-order-status')).toHaveText('Waiting for payment');
  await page.getByText('Cancel order…').click();
  await page.getByRole('button', { name: /^Cancel order #/ }).click();
  await expect(page.getByTestId('notice')).toContainText('cancelled');
  await expect(page.getByTestId('admin-order-status')).toHaveText('Cancelled');
  await expect(page.getByTestId('timeline')).toContainText('order.cancel by support@example.com');
  await expect(page.getByText('Cancel order…')).toHaveCount(0);
});

test('an admin turns a customer account off: their open session ends at once', async ({ page, browser }, testInfo) => {
  const email = uniqueEmail(testInfo, 'turnedoff');
  await signUpAndSignIn(page, email);
  await page.goto('/account');
  await expect(page).toHaveURL(/\/account$/);

  const staffContext = await browser.newContext({ ...test.info().project.use });
  const staff = await staffContext.newPage();
  await signInAsAdmin(staff);
  await staff.goto('/admin/customers');
  await staff.getByLabel('Search', { exact: true }).fill(email);
  await staff.getByRole('button', { name: 'Find' }).click();
  await expect(staff.getByTestId('customer')).toHaveCount(1);
  await staff.getByTestId('customer').getByRole('link').click();
  await expect(staff.getByTestId('account-state')).toHaveText('Active');
  await expect(staff.getByTestId('customer-role')).toHaveText('Shopper');
  await shot(staff, testInfo, 'admin-customer');
  await staff.getByText('Turn the account off…').click();
  await staff.getByRole('button', { name: 'Yes, turn it off' }).click();
  await expect(staff.getByTestId('notice')).toContainText('sessions have ended');
  await expect(staff.getByTestId('account-state')).toHaveText('Turned off');

  // The customer's next request finds them signed out.
  await page.goto('/account');
  await expect(page).toHaveURL(/sign-in/);

  await staff.getByRole('button', { name: 'Turn the account on' }).click();
  await expect(staff.getByTestId('account-state')).toHaveText('Active');
  await staffContext.close();
});
