import { expect, test } from '@playwright/test';
import { shot } from './helpers';

test('GET /healthz answers 200', async ({ request }) => {
  const res = await request.get('/healthz');
  expect(res.status()).toBe(200);
});

test('home page renders with a title and a heading', async ({ page }, testInfo) => {
  const res = await page.goto('/');
  expect(res, 'navigation response').not.toBeNull();
  expect(res!.status()).toBe(200);
  expect((await page.title()).trim()).not.toBe('');
  await expect(page.locator('h1').first()).toBeVisible();
  await shot(page, testInfo, 'home');
});
