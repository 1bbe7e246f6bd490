import { expect, test } from '@playwright/test';
import { shot, uniqueEmail } from './helpers';
import { addFirstInStock, fillShippingAddress, pay, signInAsAdmin } from './shop';

/**
 * Discount codes as an admin runs them: a refused form keeps what was typed, a new code is used by
 * a shopper at checkout, its page counts the use, and ending it is audited. JavaScript on and off,
 * phone and desktop.
 */
test('an admin creates a discount code, a shopper uses it, the code page counts it', async ({ page, browser }, testInfo) => {
  const code = `E2E-${testInfo.project.name.replace(/[^a-z0-9]/gi, '').toUpperCase().slice(0, 10)}-${Date.now() % 1000000}`;
  const staffContext = await browser.newContext({ ...test.info().project.use });
  const staff = await staffContext.newPage();
  await signInAsAdmin(staff);
  await staff.goto('/admin');
  await staff.getByTestId('admin-nav').getByRole('link', { name: 'Discount codes' }).click();
  await expect(staff.getByRole('heading', { level: 1 })).toHaveText('Discount codes');
  const form = () => staff.getByTestId('discount-form');
  await form().getByLabel('Code', { exact: true }).fill(code);
  await form().getByLabel('Percentage or amount').fill('150');
  await form().getByLabel('Applies to').selectOption('jewelry');
  await staff.getByRole('button', { name: 'Create code' }).click();
  await expect(staff.getByTestId('form-error')).toContainText('A percentage is a whole number from 1 to 100.');
  // What was typed is still there.
  await expect(form().getByLabel('Code', { exact: true })).toHaveValue(code);
  await expect(form().getByLabel('Applies to')).toHaveValue('jewelry');
  await form().getByLabel('Percentage or amount').fill('15');
  await form().getByLabel('Uses per customer (optional)').fill('1');
  await shot(staff, testInfo, 'admin-discounts');
  await staff.getByRole('button', { name: 'Create code' }).click();
  await expect(staff.getByTestId('notice')).toContainText(`Code ${code} saved: 15 % off jewelry.`);
  await expect(staff.getByTestId('code-state')).toHaveText('Active');
  await expect(staff.getByTestId('code-orders')).toHaveText('0');

  // A shopper uses it (typed in lower case) on a ring.
  const email = uniqueEmail(testInfo, 'code');
  await addFirstInStock(page, 'jewelry');
  await page.getByTestId('to-checkout').click();
  await page.getByLabel('E-mail address', { exact: true }).fill(email);
  await fillShippingAddress(page);
  await page.getByLabel('Discount code (optional)').fill(code.toLowerCase());
  await page.getByRole('button', { name: 'Review and pay' }).click();
  await expect(page.getByTestId('discount')).toContainText('−€');
  await pay(page, '4242 4242 4242 4242');
  await expect(page.getByTestId('order-status')).toHaveText('Paid');
  const number = (await page.getByTestId('order-number').innerText()).replace('#', '');

  await staff.reload();
  await expect(staff.getByTestId('code-orders')).toHaveText('1');
  await expect(staff.getByTestId('code-order')).toHaveCount(1);
  await expect(staff.getByTestId('code-order')).toContainText(`#${number}`);
  await shot(staff, testInfo, 'admin-discount');
  await staff.getByText('End this code now…').click();
  await staff.getByRole('button', { name: `Yes, end ${code}` }).click();
  await expect(staff.getByTestId('notice')).toContainText('has ended');
  await expect(staff.getByTestId('code-state')).toHaveText('Ended');
  // Its history: created and ended, by the admin.
  await staff.getByRole('link', { name: 'History of this code in the audit log' }).click();
  await expect(staff.getByTestId('audit-entry').filter({ hasText: 'discount.create' })).toContainText('admin@example.com');
  await expect(staff.getByTestId('audit-entry').filter({ hasText: 'discount.end' })).toHaveCount(1);
  await staffContext.close();
});
