import { expect, test, type Page } from '@playwright/test';
import { jsEnabled, shot } from './helpers';

/** Submits the filter form the way the shopper would: it submits itself with JS, "Apply" without. */
async function applyFilters(page: Page, js: boolean) {
  if (!js) {
    await page.getByRole('button', { name: 'Apply' }).click();
  }
  await page.waitForLoadState('load');
}

/** On phones the filter panel starts collapsed: open it like a shopper would. */
async function openFilters(page: Page) {
  const summary = page.locator('.filter-panel > summary');
  if (await summary.isVisible()) {
    const open = await page.locator('.filter-panel').evaluate((d) => (d as HTMLDetailsElement).open);
    if (!open) await summary.click();
  }
}

async function waitForIslands(page: Page, js: boolean, selector: string) {
  if (js) await expect(page.locator(`${selector}[data-hydrated="true"]`)).toBeVisible();
}

function countFrom(text: string | null): number {
  const m = /(\d+) products?/.exec(text ?? '');
  return m ? Number(m[1]) : 0;
}

test('home page shows featured products from both departments', async ({ page }, testInfo) => {
  const res = await page.goto('/');
  expect(res?.status()).toBe(200);
  await expect(page).toHaveTitle(/Pixel & Facet/);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.locator('meta[name="description"]')).toHaveAttribute('content', /.+/);
  await expect(page.locator('link[rel="canonical"]')).toHaveAttribute('href', /\/$/);
  const cards = page.getByTestId('product-card');
  await expect(cards.filter({ hasText: 'Games' }).first()).toBeVisible();
  await expect(cards.filter({ hasText: 'Jewelry' }).first()).toBeVisible();
  // Every image has alt text and a size (no layout shift).
  for (const img of await page.locator('main img').all()) {
    await expect(img).toHaveAttribute('alt', /.+/);
    await expect(img).toHaveAttribute('width', /\d+/);
    await expect(img).toHaveAttribute('height', /\d+/);
  }
  await shot(page, testInfo, 'home');
});

test('category listing paginates and sorts', async ({ page }, testInfo) => {
  const js = jsEnabled(testInfo);
  await page.goto('/c/games');
  await expect(page).toHaveTitle(/^Games \|/);
  const total = countFrom(await page.getByTestId('result-count').textContent());
  expect(total).toBeGreaterThanOrEqual(40);
  await expect(page.getByTestId('product-card')).toHaveCount(24);
  await shot(page, testInfo, 'category');

  await page.getByRole('navigation', { name: 'Pagination' }).getByRole('link', { name: /Next/ }).click();
  await expect(page).toHaveURL(/page=2/);
  await expect(page.getByTestId('product-card')).toHaveCount(Math.min(24, total - 24));
  await expect(page.locator('link[rel="canonical"]')).toHaveAttribute('href', /\/c\/games\?page=2$/);

  await page.goto('/c/games');
  await waitForIslands(page, js, '.auto-submit');
  await openFilters(page);
  await page.getByLabel('Sort by').selectOption('price-asc');
  await applyFilters(page, js);
  await expect(page).toHaveURL(/sort=price-asc/);
  const prices = await page.getByTestId('card-price').allTextContents();
  const values = prices.map((p) => Number(p.replace(/[^0-9.]/g, '')));
  expect(values.length).toBeGreaterThan(1);
  expect([...values].sort((a, b) => a - b)).toEqual(values);
});

test('facet filters narrow results and their counts are right', async ({ page }, testInfo) => {
  const js = jsEnabled(testInfo);
  await page.goto('/c/games');
  await waitForIslands(page, js, '.auto-submit');
  await openFilters(page);
  const pc = page.locator('fieldset[data-facet="platform"] .facet-value').filter({ hasText: /^PC/ });
  const expected = Number(await pc.locator('.count').textContent());
  expect(expected).toBeGreaterThan(0);
  await pc.getByRole('checkbox').check();
  await applyFilters(page, js);
  await expect(page).toHaveURL(/platform=PC/);
  await expect(page.getByTestId('result-count')).toContainText(`${expected} product`);
  await expect(page.locator('fieldset[data-facet="platform"] input[value="PC"]')).toBeChecked();
  await shot(page, testInfo, 'category-filtered');

  // Jewelry has its own facets: metal and stone.
  await page.goto('/c/jewelry');
  await openFilters(page);
  await expect(page.locator('fieldset[data-facet="metal"]')).toBeVisible();
  await expect(page.locator('fieldset[data-facet="stone"]')).toBeVisible();
  await expect(page.locator('fieldset[data-facet="platform"]')).toHaveCount(0);
  await waitForIslands(page, js, '.auto-submit');
  const inStock = page.locator('fieldset[data-facet="in_stock"] .facet-value');
  const inStockCount = Number(await inStock.locator('.count').textContent());
  await inStock.getByRole('checkbox').check();
  await applyFilters(page, js);
  await expect(page).toHaveURL(/in_stock=1/);
  await expect(page.getByTestId('result-count')).toContainText(`${inStockCount} product`);
  await expect(page.locator('.stock.out')).toHaveCount(0);
});

test('search tolerates typos', async ({ page }, testInfo) => {
  await page.goto('/');
  const box = page.getByRole('searchbox', { name: 'Search the shop' });
  await box.fill('zeld');
  await box.press('Enter');
  await expect(page).toHaveURL(/\/search\?q=zeld/);
  await expect(page.getByTestId('product-card').first()).toContainText('Zelda');
  await shot(page, testInfo, 'search');

  await page.goto('/search?q=saphire');
  await expect(page.getByTestId('product-card').first()).toContainText('Sapphire');
  await openFilters(page);
  await expect(page.locator('fieldset[data-facet="stone"]')).toBeVisible();

  await page.goto('/search?q=qwxzvbnm');
  await expect(page.getByTestId('result-count')).toHaveText(/No products match/);
});

test('product page: gallery, variant picker and structured data', async ({ page }, testInfo) => {
  const js = jsEnabled(testInfo);
  // Find a ring whose picker offers another choice.
  await page.goto('/c/rings');
  const hrefs = await page.getByTestId('product-card').locator('a').evaluateAll((as) =>
    as.map((a) => a.getAttribute('href')),
  );
  let found = false;
  for (const href of hrefs.slice(0, 10)) {
    await page.goto(href!);
    if ((await page.locator('.picker a.option:not(.selected)').count()) > 0) {
      found = true;
      break;
    }
  }
  expect(found).toBe(true);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.locator('link[rel="canonical"]')).toHaveAttribute('href', /\/p\/[a-z0-9-]+$/);
  const mainImg = page.locator('.gallery-main img');
  await expect(mainImg).toHaveAttribute('srcset', /400w.*800w.*1200w/);
  await expect(mainImg).toHaveAttribute('alt', /.+/);
  await expect(page.locator('.option-group[data-option="Ring size"]')).toBeVisible();

  const ld = JSON.parse((await page.locator('script[type="application/ld+json"]').textContent()) ?? '{}');
  expect(ld['@type']).toBe('Product');
  expect(ld.offers.length).toBeGreaterThan(1);
  for (const offer of ld.offers) {
    expect(offer.priceCurrency).toBe('EUR');
    expect(offer.availability).toMatch(/schema.org\/(InStock|OutOfStock)/);
  }
  await shot(page, testInfo, 'product');

  await waitForIslands(page, js, '.picker');
  const skuBefore = await page.getByTestId('sku').textContent();
  const option = page.locator('.picker a.option:not(.selected)').first();
  const target = (await option.getAttribute('href'))!;
  if (js) {
    await page.evaluate(() => ((window as any).__noReload = true));
  }
  await option.click();
  await expect(page).toHaveURL(new RegExp(target.replace(/[?]/g, '\\?') + '$'));
  await expect(page.getByTestId('sku')).not.toHaveText(skuBefore ?? '');
  if (js) {
    // Switched in place, without loading a new page.
    expect(await page.evaluate(() => (window as any).__noReload)).toBe(true);
  }
  await shot(page, testInfo, 'product-variant');
});

test('a combination that does not exist is greyed out and not a link', async ({ page }) => {
  // Rings are made in different sizes per metal: some size is unavailable for some metal.
  await page.goto('/c/rings');
  const hrefs = await page.getByTestId('product-card').locator('a').evaluateAll((as) =>
    as.map((a) => a.getAttribute('href')),
  );
  let unavailable = 0;
  for (const href of hrefs) {
    await page.goto(href!);
    const metals = page.locator('.option-group[data-option="Metal"] a.option');
    for (let i = 0; i < (await metals.count()) && unavailable === 0; i++) {
      await page.goto((await metals.nth(i).getAttribute('href'))!);
      unavailable = await page.locator('.option.unavailable[aria-disabled="true"]').count();
    }
    if (unavailable > 0) break;
  }
  expect(unavailable).toBeGreaterThan(0);
  await expect(page.locator('.option.unavailable').first()).not.toHaveAttribute('href', /.*/);
});

test('unknown pages and products are real 404s', async ({ page }, testInfo) => {
  for (const path of ['/no/such/page', '/p/no-such-product', '/c/no-such-category']) {
    const res = await page.goto(path);
    expect(res?.status(), path).toBe(404);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText("We couldn't find that page");
  }
  await shot(page, testInfo, 'not-found');
});

test('bad input gets a clear 4xx, never a 500', async ({ request }) => {
  for (const path of ['/c/games?page=-1', '/c/games?page=abc', '/c/games?sort=bogus', `/search?q=${'a'.repeat(10240)}`]) {
    const res = await request.get(path);
    expect(res.status(), path).toBe(400);
    expect(await res.text()).not.toMatch(/panicked|stack|sqlx|at src\//i);
  }
  for (const path of ['/c/games?platform=Amiga', '/c/games?frobnicate=1', '/search?q=%27%22%3B--']) {
    expect((await request.get(path)).status(), path).toBe(200);
  }
  for (const path of ['/p/..%2F..%2Fetc%2Fpasswd', '/c/..%2Fetc', '/media/..%2F..%2FCargo.toml']) {
    const status = (await request.get(path)).status();
    expect(status, path).toBeGreaterThanOrEqual(400);
    expect(status, path).toBeLessThan(500);
  }
});

test('security headers and cross-site protection', async ({ request, page }) => {
  // A public page: the same policy for every response (scripts by hash, no nonce), so caches share it.
  const res = await request.get('/');
  const headers = res.headers();
  const csp = headers['content-security-policy'];
  expect(csp).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+'/);
  expect(csp).not.toContain("'nonce-");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBeTruthy();
  expect((await request.get('/')).headers()['content-security-policy']).toBe(csp);
  // A private page: a nonce on its scripts, different for each response.
  const cart = await request.get('/cart');
  const privateCsp = cart.headers()['content-security-policy'];
  expect(privateCsp).toMatch(/script-src 'nonce-[A-Za-z0-9_-]+'/);
  const nonce = /'nonce-([^']+)'/.exec(privateCsp)![1];
  expect(await cart.text()).toContain(`nonce="${nonce}"`);
  expect((await request.get('/cart')).headers()['content-security-policy']).not.toBe(privateCsp);

  const cross = await request.post('/api/catalog/home', {
    headers: { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' },
  });
  expect(cross.status()).toBe(403);
  const same = await request.post('/api/catalog/home', { headers: { 'Sec-Fetch-Site': 'same-origin' } });
  expect(same.status()).toBe(200);

  // Pages have no CSP violations in a real browser, public or private.
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  for (const path of ['/c/rings', '/cart']) {
    await page.goto(path);
    await page.waitForLoadState('networkidle');
  }
  expect(violations).toEqual([]);
});

test('keyboard users can skip to the content', async ({ page }, testInfo) => {
  test.skip(testInfo.project.name.startsWith('phone'), 'no keyboard on a phone');
  await page.goto('/c/jewelry');
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#main$/);
});
