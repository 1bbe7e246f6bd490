import * as path from 'node:path';
import { expect, test, type Browser, type Page, type TestInfo } from '@playwright/test';
import { jsEnabled, shot, uniqueEmail } from './helpers';
import { fillShippingAddress, pay, signInAsAdmin } from './shop';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures');

/**
 * Uploads `files` (from end2end/fixtures) with one alt text, for one metal or every one. Without
 * JavaScript the form posts them together and a notice answers; with it, each file is sent on its
 * own with a progress bar and its outcome beside it (`refused`: the files expected to be refused).
 */
async function uploadPhotos(page: Page, testInfo: TestInfo, files: string[], alt: string, shows: string, refused: Record<string, string> = {}) {
  if (jsEnabled(testInfo)) await expect(page.getByTestId('uploader')).toHaveAttribute('data-hydrated', 'true');
  await page.locator('#up-alt').fill(alt);
  await page.locator('#up-option').selectOption(shows);
  await page.locator('#up-files').setInputFiles(files.map((f) => path.join(FIXTURES, f)));
  await page.getByRole('button', { name: 'Upload', exact: true }).click();
  const accepted = files.length - Object.keys(refused).length;
  if (!jsEnabled(testInfo)) {
    await expect(page).toHaveURL(/\/admin\/products\/\d+/);
    await expect(page.getByTestId('notice')).toContainText(`${accepted} photo${accepted === 1 ? '' : 's'} uploaded`);
    for (const [file, message] of Object.entries(refused)) await expect(page.getByTestId('notice')).toContainText(`${file} ${message}`);
    return;
  }
  const list = page.getByTestId('upload');
  if (Object.keys(refused).length === 0) {
    // All accepted: the editor reloads to show them.
    await expect(list).toHaveCount(0, { timeout: 20_000 });
    return;
  }
  await expect(list).toHaveCount(files.length);
  for (const [file, message] of Object.entries(refused)) {
    await expect(list.filter({ hasText: file })).toHaveAttribute('data-state', 'refused');
    await expect(list.filter({ hasText: file })).toContainText(message);
  }
  await expect(list.and(page.locator('[data-state="done"]'))).toHaveCount(accepted);
  await expect(list.filter({ hasText: files[0] }).locator('progress')).toHaveAttribute('value', '100');
  await shot(page, testInfo, 'admin-photo-upload');
  await page.getByTestId('show-uploaded').click();
  await expect(list).toHaveCount(0);
}

/** A word no other product has, so search finds exactly this test's product. */
function uniqueWord(): string {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  let w = 'Zq';
  for (let i = 0; i < 8; i++) w += letters[Math.floor(Math.random() * letters.length)];
  return w;
}

/** A shopper's own browser (same device and JavaScript setting as the project). */
async function shopperPage(browser: Browser, testInfo: TestInfo): Promise<Page> {
  const use = testInfo.project.use;
  const context = await browser.newContext({
    baseURL: use.baseURL,
    viewport: use.viewport,
    userAgent: use.userAgent,
    isMobile: use.isMobile,
    hasTouch: use.hasTouch,
    deviceScaleFactor: use.deviceScaleFactor,
    javaScriptEnabled: jsEnabled(testInfo),
  });
  return context.newPage();
}

/** Creates a draft product through the editor; returns its editor URL. */
async function createDraft(page: Page, fields: { name: string; department: 'games' | 'jewelry'; category: string }) {
  await page.goto('/admin/products');
  await page.getByTestId('new-product').click();
  await expect(page).toHaveURL(/\/admin\/products\/new$/);
  await page.getByLabel('Name', { exact: true }).fill(fields.name);
  await page.getByLabel('Department', { exact: true }).selectOption(fields.department);
  await page.getByLabel('Category', { exact: true }).selectOption({ label: fields.category });
  await page.getByLabel('Summary', { exact: true }).fill('Made for this test.');
  if (fields.department === 'jewelry') {
    await page.getByLabel('Finish', { exact: true }).fill('Polished');
    await page.getByLabel('Stone (empty: none)', { exact: true }).fill('Sapphire');
    await page.getByLabel('Carat', { exact: true }).fill('1.2');
  } else {
    await page.getByLabel('Genre', { exact: true }).fill('Strategy');
    await page.getByLabel('Publisher', { exact: true }).fill('Test Works');
    await page.getByLabel('Release date', { exact: true }).fill('2026-11-20');
    await page.getByLabel('Age rating', { exact: true }).selectOption('PEGI 12');
  }
  await page.getByTestId('save-product').click();
  await expect(page).toHaveURL(/\/admin\/products\/\d+$/);
  await expect(page.getByTestId('notice')).toContainText('Product created as a draft');
  await expect(page.getByTestId('status').first()).toHaveText('Draft');
  return page.url();
}

async function addOption(page: Page, axis: 0 | 1, value: string) {
  const form = page.getByTestId(`add-option-${axis}`);
  await form.getByRole('textbox').fill(value);
  await form.getByRole('button', { name: 'Add' }).click();
  await expect(page.getByTestId('notice')).toContainText(`“${value}” added`);
}

/** Fills one "not made" cell of the matrix through its own plain form. */
async function fillCell(page: Page, row: string, col: string, sku: string, price: string, stock: string) {
  const card = page.getByTestId('cell-card').filter({ has: page.locator(`form[data-row="${row}"][data-col="${col}"]`) });
  await card.locator('summary').first().click();
  const form = card.getByTestId('cell-form');
  await form.getByLabel('SKU', { exact: true }).fill(sku);
  await form.getByLabel('Price (€)', { exact: true }).fill(price);
  await form.getByLabel('Stock', { exact: true }).fill(stock);
  await form.getByRole('button', { name: `Save ${row} · ${col}` }).click();
  await expect(page.getByTestId('notice')).toContainText(`Variant ${sku} saved`);
}

/** Types cells into the editable grid (JavaScript on) and saves them together. */
async function fillGrid(page: Page, cells: { row: string; col: string; sku: string; price: string; stock: string }[]) {
  await expect(page.getByTestId('matrix-grid')).toHaveAttribute('data-hydrated', 'true');
  for (const c of cells) {
    const label = `${c.row} · ${c.col}`;
    await page.getByLabel(`SKU, ${label}`, { exact: true }).fill(c.sku);
    await page.getByLabel(`Price in euros, ${label}`, { exact: true }).fill(c.price);
    await page.getByLabel(`Opening stock, ${label}`, { exact: true }).fill(c.stock);
  }
  await expect(page.getByTestId('grid-save')).toHaveText(`Save ${cells.length} changes`);
  await page.getByTestId('grid-save').click();
  await expect(page.getByTestId('notice')).toContainText(`${cells.length} variants saved`);
}

test('an admin makes a ring with a sparse matrix and publishes it; a shopper finds and buys it; a price change and archiving reach the shopper at once', async ({ page, browser }, testInfo) => {
  test.setTimeout(180_000);
  const word = uniqueWord();
  const name = `Halo Ring ${word}`;
  const skuBase = `T${Date.now().toString(36).toUpperCase()}${Math.floor(Math.random() * 1000)}`;

  await signInAsAdmin(page);
  const editor = await createDraft(page, { name, department: 'jewelry', category: 'Jewelry › Rings' });

  // 3 metals x 4 sizes, platinum has no size 9: values alone make nothing.
  for (const metal of ['Yellow gold', 'Platinum', 'Rose gold']) await addOption(page, 0, metal);
  for (const size of ['6', '7', '8', '9']) await addOption(page, 1, size);
  await expect(page.getByTestId('cell')).toHaveCount(0);
  await expect(page.getByTestId('cell-empty')).toHaveCount(12);
  // Publishing with nothing to sell is refused with a clear message.
  await page.getByTestId('status-active').click();
  await expect(page.getByTestId('form-error')).toContainText('Add at least one variant');

  const prices: Record<string, string> = { 'Yellow gold': '1200', Platinum: '1500', 'Rose gold': '1300' };
  const cells = ['Yellow gold', 'Platinum', 'Rose gold'].flatMap((metal, m) =>
    ['6', '7', '8', '9']
      .filter((size) => !(metal === 'Platinum' && size === '9'))
      .map((size) => ({ row: metal, col: size, sku: `${skuBase}-${m}-${size}`, price: prices[metal], stock: '3' })),
  );
  if (jsEnabled(testInfo)) {
    // With JavaScript the matrix is a grid: type every cell, save once.
    await fillGrid(page, cells);
  } else {
    for (const c of cells) await fillCell(page, c.row, c.col, c.sku, c.price, c.stock);
  }
  await expect(page.getByTestId('cell')).toHaveCount(11);
  await expect(page.locator('[data-testid="cell-empty"][data-row="Platinum"][data-col="9"]')).toHaveCount(1);

  if (jsEnabled(testInfo)) {
    await expect(page.getByTestId('matrix-grid')).toHaveAttribute('data-hydrated', 'true');
    await expect(page.getByLabel('SKU, Platinum · 7', { exact: true })).toHaveValue(`${skuBase}-1-7`);
    // A bad SKU typed into the grid is marked on its cell and nothing is saved.
    await page.getByLabel('SKU, Platinum · 9', { exact: true }).fill('no spaces please');
    await page.getByLabel('Price in euros, Platinum · 9', { exact: true }).fill('100');
    await page.getByLabel('Price in euros, Rose gold · 6', { exact: true }).fill('1250');
    await page.getByTestId('grid-save').click();
    await expect(page.getByTestId('grid-status')).toContainText('A SKU is 3 to 64 letters');
    await expect(page.getByTestId('grid-status')).toContainText('Platinum · 9');
    await expect(page.getByLabel('SKU, Platinum · 9', { exact: true })).toHaveAttribute('aria-invalid', 'true');
    await shot(page, testInfo, 'admin-matrix-grid');
    await page.reload();
    await expect(page.getByTestId('cell')).toHaveCount(11);
    await expect(page.getByLabel('Price in euros, Rose gold · 6', { exact: true })).toHaveValue('1300.00');
  } else {
    // A cell of the matrix opens its own form.
    await page.locator('[data-testid="cell"][data-row="Platinum"][data-col="7"] a').click();
    await expect(page.locator('form[data-row="Platinum"][data-col="7"]').getByLabel('SKU', { exact: true })).toHaveValue(`${skuBase}-1-7`);
    await expect(page.locator('form[data-row="Platinum"][data-col="7"]').getByLabel('SKU', { exact: true })).toBeVisible();
    // A bad SKU is refused with its message and changes nothing.
    const card = page.getByTestId('cell-card').filter({ has: page.locator('form[data-row="Platinum"][data-col="9"]') });
    await card.locator('summary').first().click();
    await card.getByLabel('SKU', { exact: true }).fill('no spaces please');
    await card.getByLabel('Price (€)', { exact: true }).fill('100');
    await card.getByRole('button', { name: 'Save Platinum · 9' }).click();
    await expect(page.getByTestId('form-error')).toContainText('A SKU is 3 to 64 letters');
    await expect(page.getByTestId('cell')).toHaveCount(11);
  }

  // A delivery of two platinum 7s, with its reason, lands in the ledger.
  await page.getByLabel('Variant', { exact: true }).selectOption({ label: `${skuBase}-1-7 · Platinum · 7 (3 in stock)` });
  await page.getByLabel('Change (+5, -2)', { exact: true }).fill('2');
  await page.getByLabel('Reason', { exact: true }).selectOption('received');
  await page.getByLabel('Note (optional)', { exact: true }).fill('PO 1138');
  await page.getByRole('button', { name: 'Adjust stock' }).click();
  await expect(page.getByTestId('notice')).toContainText('Stock adjusted: 5 now');
  await expect(page.getByTestId('ledger-row').first()).toContainText('+2');
  await expect(page.getByTestId('ledger-row').first()).toContainText('PO 1138');
  // Taking more than there is is refused.
  await page.getByLabel('Change (+5, -2)', { exact: true }).fill('-50');
  await page.getByLabel('Reason', { exact: true }).selectOption('shrinkage');
  await page.getByRole('button', { name: 'Adjust stock' }).click();
  await expect(page.getByTestId('form-error')).toContainText('cannot go below zero');

  // Photos: two for platinum (a JPEG, and an SVG that is refused), one for every metal (a PNG).
  await uploadPhotos(page, testInfo, ['ring-platinum.jpg', 'evil.svg'], 'Halo ring in platinum', 'Platinum', { 'evil.svg': 'is not a JPEG, PNG or WebP image' });
  await uploadPhotos(page, testInfo, ['ring-top.png'], 'Halo ring seen from above', '');
  // The worker prepares them; the editor shows their progress until they are ready (with
  // JavaScript it follows them live and shows them when done; without, a reload does).
  if (jsEnabled(testInfo)) {
    const progress = page.getByTestId('photo-progress');
    if ((await progress.count()) > 0) {
      await expect(progress.locator('progress')).toHaveAttribute('max', '100');
      await progress.getByRole('button', { name: 'Show them' }).click({ timeout: 60_000 });
    }
    await expect(page.locator('[data-testid="photo"][data-status="ready"]')).toHaveCount(2);
  } else {
    await expect(async () => {
      await page.reload();
      await expect(page.locator('[data-testid="photo"][data-status="ready"]')).toHaveCount(2, { timeout: 1000 });
    }).toPass({ timeout: 60_000 });
  }
  await expect(page.getByTestId('photo-progress')).toHaveCount(0);
  await expect(page.getByTestId('photo').first()).toContainText('shows Platinum');
  // The shared photo first: dragged there with JavaScript (on a desktop), moved up without.
  if (jsEnabled(testInfo) && !testInfo.project.use.isMobile) {
    await expect(page.getByTestId('photo-order')).toBeVisible();
    await page.getByTestId('photo').nth(1).dragTo(page.getByTestId('photo').first());
  } else {
    await page.getByRole('button', { name: 'Move photo 2 up' }).click();
  }
  await expect(page.getByTestId('photo').first()).not.toContainText('shows Platinum');

  await page.getByTestId('status-active').click();
  await expect(page.getByTestId('notice')).toContainText('Published');
  await expect(page.getByTestId('status').first()).toHaveText('Active');
  await shot(page, testInfo, 'admin-product-editor');

  // The shopper finds it by search, narrows by metal, sees platinum has no size 9 and buys platinum 7.
  const shopper = await shopperPage(browser, testInfo);
  await shopper.goto(`/search?q=${word}`);
  await expect(shopper.getByTestId('product-card')).toHaveCount(1);
  await expect(shopper.getByTestId('product-card')).toContainText(name);
  await shopper.goto(`/search?q=${word}&metal=Platinum`);
  await expect(shopper.getByTestId('product-card')).toHaveCount(1);
  await shopper.goto(`/search?q=${word}&metal=Silver`);
  await expect(shopper.getByTestId('product-card')).toHaveCount(0);
  await shopper.goto(`/search?q=${word}&metal=Platinum`);
  await shopper.getByTestId('product-card').getByRole('link').first().click();
  await expect(shopper.getByRole('heading', { level: 1 })).toHaveText(name);
  if (jsEnabled(testInfo)) await expect(shopper.getByTestId('variant-picker')).toHaveAttribute('data-hydrated', 'true');
  await expect(shopper.getByRole('img', { name: 'Halo ring seen from above' })).toBeVisible();
  await expect(shopper.getByRole('img', { name: 'Halo ring in platinum' })).toHaveCount(0);
  await shopper.getByRole('link', { name: /^Platinum/ }).click();
  await expect(shopper.getByTestId('price')).toHaveText('€1,500.00');
  // Picking platinum shows the platinum photo first.
  await expect(shopper.getByTestId('gallery').getByRole('img', { name: 'Halo ring in platinum' })).toBeVisible();
  await shot(shopper, testInfo, 'product-platinum-photos');
  await expect(shopper.getByRole('link', { name: /^9/ })).toHaveCount(0);
  await shopper.getByRole('link', { name: /^7/ }).click();
  await expect(shopper.getByTestId('sku')).toHaveText(`${skuBase}-1-7`);
  await shopper.getByRole('button', { name: 'Add to cart' }).click();
  if (jsEnabled(testInfo)) await shopper.getByTestId('view-cart').click();
  await expect(shopper).toHaveURL(/\/cart$/);
  await shopper.getByTestId('to-checkout').click();
  await shopper.getByLabel('E-mail address', { exact: true }).fill(uniqueEmail(testInfo, 'ringbuyer'));
  await fillShippingAddress(shopper);
  await shopper.getByRole('button', { name: 'Review and pay' }).click();
  await pay(shopper, '4242424242424242');
  await expect(shopper.getByTestId('order-status')).toHaveText('Paid');
  const orderUrl = shopper.url();

  // The admin lowers platinum's price: the shopper's listing and product page show it at once.
  await page.goto(editor);
  await page.getByLabel('Every cell of', { exact: true }).selectOption('row:Platinum');
  await page.getByLabel('Set', { exact: true }).selectOption('price');
  await page.getByLabel('Amount', { exact: true }).fill('999');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByTestId('notice')).toContainText('3 variants changed');
  await shopper.goto(`/search?q=${word}`);
  await expect(shopper.getByTestId('product-card')).toContainText('€999.00');
  await shopper.getByTestId('product-card').getByRole('link').first().click();
  await shopper.getByRole('link', { name: /^Platinum/ }).click();
  await expect(shopper.getByTestId('price')).toHaveText('€999.00');
  const productUrl = shopper.url().replace(/\?.*$/, '');

  // Archived: shoppers get a 404, the order page still shows the ring.
  await page.goto(editor);
  await page.locator('details.confirm summary', { hasText: 'Archive…' }).click();
  await page.getByTestId('status-archived').click();
  await expect(page.getByTestId('notice')).toContainText('Archived');
  const gone = await shopper.goto(productUrl);
  expect(gone?.status()).toBe(404);
  await shopper.goto(`/search?q=${word}`);
  await expect(shopper.getByTestId('product-card')).toHaveCount(0);
  await shopper.goto(orderUrl);
  await expect(shopper.getByText(name)).toBeVisible();
  await shopper.context().close();

  // The staff list finds it by SKU and shows it archived.
  await page.goto(`/admin/products?q=${skuBase}-1-7`);
  await expect(page.getByTestId('staff-product')).toHaveCount(1);
  await expect(page.getByTestId('staff-product').getByTestId('status')).toHaveText('Archived');
});

test('two staff edit one product: the second save is refused with what changed, and nothing is overwritten', async ({ page, context }, testInfo) => {
  test.setTimeout(90_000);
  const word = uniqueWord();
  await signInAsAdmin(page);
  const editor = await createDraft(page, { name: `Star Forge ${word}`, department: 'games', category: 'Games › Strategy & Simulation' });

  // A slug already taken is a field error beside the slug, with the form as typed.
  const slug = `mine-${word.toLowerCase()}`;
  await page.getByLabel('Address (slug)', { exact: true }).fill(slug);
  await page.getByTestId('save-product').click();
  await expect(page.getByTestId('notice')).toContainText('Saved');
  await createDraftExpectingSlugClash(page, word, slug);

  const other = await context.newPage();
  await other.goto(editor);
  await page.goto(editor);
  await page.getByLabel('Summary', { exact: true }).fill('Alice wrote this.');
  await page.getByTestId('save-product').click();
  await expect(page.getByTestId('notice')).toContainText('Saved');

  await other.getByLabel('Publisher', { exact: true }).fill('Bob Games');
  await other.getByTestId('save-product').click();
  await expect(other.getByTestId('conflict')).toBeVisible();
  await expect(other.getByTestId('conflict-field')).toHaveCount(1);
  await expect(other.getByTestId('conflict-field')).toContainText('Alice wrote this.');
  // Alice's change is in the form now and Bob's is kept.
  await expect(other.getByLabel('Summary', { exact: true })).toHaveValue('Alice wrote this.');
  await expect(other.getByLabel('Publisher', { exact: true })).toHaveValue('Bob Games');
  await shot(other, testInfo, 'admin-product-conflict');
  await other.getByTestId('save-product').click();
  await expect(other.getByTestId('notice')).toContainText('Saved');
  await page.goto(editor);
  await expect(page.getByLabel('Summary', { exact: true })).toHaveValue('Alice wrote this.');
  await expect(page.getByLabel('Publisher', { exact: true })).toHaveValue('Bob Games');

  await page.goto('/admin/products?department=games&status=draft');
  await expect(page.getByTestId('staff-product').filter({ hasText: word }).first()).toBeVisible();
  await shot(page, testInfo, 'admin-products');
});

async function createDraftExpectingSlugClash(page: Page, word: string, slug: string) {
  await page.goto('/admin/products/new');
  await page.getByLabel('Name', { exact: true }).fill(`Clash ${word}`);
  await page.getByLabel('Address (slug)', { exact: true }).fill(slug);
  await page.getByLabel('Department', { exact: true }).selectOption('games');
  await page.getByLabel('Category', { exact: true }).selectOption({ label: 'Games › Strategy & Simulation' });
  await page.getByLabel('Genre', { exact: true }).fill('Strategy');
  await page.getByLabel('Publisher', { exact: true }).fill('Test Works');
  await page.getByLabel('Release date', { exact: true }).fill('2026-11-20');
  await page.getByLabel('Age rating', { exact: true }).selectOption('PEGI 12');
  await page.getByTestId('save-product').click();
  await expect(page).toHaveURL(/\/admin\/products\/new$/);
  await expect(page.getByTestId('field-error')).toContainText('Another product already uses this address');
  await expect(page.getByLabel('Address (slug)', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue(`Clash ${word}`);
}

test('staff create and rename a category; the listing follows', async ({ page }, testInfo) => {
  const word = uniqueWord().toLowerCase();
  await signInAsAdmin(page);
  await page.goto('/admin/categories');
  const form = page.getByTestId('new-category');
  await form.getByLabel('Name', { exact: true }).fill(`Charms ${word}`);
  await form.getByLabel('Department', { exact: true }).selectOption('jewelry');
  await form.getByLabel('Parent', { exact: true }).selectOption({ label: 'Jewelry › Jewelry' });
  await form.getByRole('button', { name: 'Create category' }).click();
  await expect(page.getByTestId('notice')).toContainText(`Category “Charms ${word}” created`);
  const row = page.locator(`[data-testid="staff-category"][data-slug="charms-${word}"]`);
  await expect(row).toContainText(`Jewelry › Charms ${word}`);
  await row.getByLabel('Name', { exact: true }).fill(`Lucky charms ${word}`);
  await row.getByRole('button', { name: /^Save category/ }).click();
  await expect(page.getByTestId('notice')).toContainText('saved');
  await page.goto(`/c/charms-${word}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Lucky charms ${word}`);
  await page.goto('/admin/categories');
  await shot(page, testInfo, 'admin-categories');
});
