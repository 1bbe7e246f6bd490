/**
 * The shop behind a real caching proxy (Varnish, started by scripts/test in front of the test
 * server; PROXY_URL). A replayed traffic mix: anonymous visitors browse (home, listings, facet
 * pages, search, product pages, the files and photos a first visit loads, the cart count a page
 * asks for), some become buyers (add to cart, cart, checkout), and staff change a ring's price every
 * few seconds, then sell it out. Asserts the hit ratios, that no response started after a change's
 * purge has gone out shows the old price or a sold-out ring as in stock, and that no private page
 * is ever stored or shared.
 */
import { test, expect, request } from '@playwright/test';

/** A browser's cookies for the shop (the mix uses Node's own fetch: many requests, little overhead). */
class Browser {
  cookies = new Map<string, string>();
  get anonymous() {
    return this.cookies.size === 0;
  }
  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  keep(res: Response) {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      this.cookies.set(pair.slice(0, i), pair.slice(i + 1));
    }
  }
}

const PROXY = process.env.PROXY_URL!;
/** A change's purge has gone out by then (due a second after the change; the task looks every 200 ms). */
const SETTLE_MS = 3_000;
const MIX_MS = 40_000;
const CHANGE_EVERY_MS = 5_000;

type Tally = { all: number; allHits: number; views: number; viewHits: number };

function euros(text: string): number {
  const m = text.replace(/,/g, '').match(/€([0-9]+\.[0-9]{2})/);
  if (!m) throw new Error(`no price in ${JSON.stringify(text.slice(0, 200))}`);
  return Number(m[1]);
}

function links(html: string, re: RegExp): string[] {
  return [...new Set([...html.matchAll(re)].map((m) => m[1].replace(/&amp;/g, '&')))];
}

test('the proxy serves most traffic from cache, purges exactly, and never stores a private page', async () => {
  test.setTimeout(180_000);
  expect(PROXY, 'PROXY_URL: scripts/test starts Varnish in front of the shop').toBeTruthy();
  const tally: Tally = { all: 0, allHits: 0, views: 0, viewHits: 0 };
  const problems: string[] = [];

  /** One request through the proxy, counted. A page view by a visitor without a cookie is anonymous. */
  async function fetchVia(browser: Browser, url: string, opts: { anonymousView?: boolean; method?: 'GET' | 'POST'; form?: Record<string, string> } = {}): Promise<Response> {
    const headers: Record<string, string> = {};
    if (!browser.anonymous) headers.cookie = browser.header();
    const init: RequestInit = { method: opts.method ?? 'GET', headers, redirect: 'manual' };
    if (opts.method === 'POST') {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      init.body = new URLSearchParams(opts.form ?? {}).toString();
    }
    const res = await fetch(PROXY + url, init);
    browser.keep(res);
    const hit = res.headers.get('x-cache') === 'HIT';
    tally.all += 1;
    if (hit) tally.allHits += 1;
    if (opts.anonymousView) {
      tally.views += 1;
      if (hit) tally.viewHits += 1;
    }
    return res;
  }

  // --- what there is to visit ---------------------------------------------------------------
  const probe = await request.newContext({ baseURL: PROXY });
  const pages = ['/', '/c/games', '/c/jewelry', '/c/rings'];
  const seen = new Set<string>();
  const products: string[] = [];
  const facets: string[] = [];
  for (const p of pages.slice(1)) {
    const html = await (await probe.get(p)).text();
    products.push(...links(html, /href="(\/p\/[a-z0-9-]+)"/g).filter((u) => !seen.has(u) && seen.add(u)));
    facets.push(...links(html, /href="(\/c\/[a-z0-9-]+\?[^"]+)"/g).slice(0, 8));
  }
  const searches = ['/search?q=ring', '/search?q=zeld', '/search?q=saphire', '/search?q=gold', '/search?q=racing', '/search?q=necklace'];
  expect(products.length, 'products to visit').toBeGreaterThan(10);

  // --- the ring staff will change -----------------------------------------------------------
  // The last ring of the listing's first page: like most products, not on the home page.
  const ringsHtml = await (await probe.get('/c/rings')).text();
  const target = links(ringsHtml, /href="(\/p\/[a-z0-9-]+)"/g).pop()!;
  const slug = target.replace('/p/', '');
  // Staff's forms as a browser without JavaScript posts them (answered with a redirect).
  const staff = await request.newContext({ baseURL: PROXY, extraHTTPHeaders: { accept: 'text/html' } });
  const signIn = await staff.post('/api/account/sign-in', {
    form: { email: 'admin@example.com', password: 'Admin-demo-2026!', next: '/admin' },
    maxRedirects: 0,
  });
  expect(signIn.status(), 'admin sign-in').toBe(302);
  const list = await (await staff.get(`/admin/products?q=${slug}`)).text();
  const productId = list.match(/href="\/admin\/products\/(\d+)"/)![1];
  const editor = await (await staff.get(`/admin/products/${productId}`)).text();
  const rows = links(editor, /<option value="(row:[^"]+)"/g);
  expect(rows.length, 'the ring has variant rows').toBeGreaterThan(0);

  /** Sets every variant of the ring; returns when the last write has committed. */
  async function setAll(action: 'price' | 'stock', amount: string) {
    for (const line of rows) {
      const res = await staff.post('/api/admin/product-bulk', { form: { id: productId, line, action, amount }, maxRedirects: 0 });
      expect(res.status(), `bulk ${action} ${line}`).toBeLessThan(400);
    }
  }

  // Staff's changes: [when the write committed, the price, sold out?]
  const changes: { at: number; price: number; soldOut: boolean }[] = [];
  let price = 1000 + Math.floor(Math.random() * 500);
  await setAll('stock', '5');
  await setAll('price', price.toFixed(2));
  changes.push({ at: Date.now(), price, soldOut: false });

  /** Checks a page showing the ring against every change whose purge has gone out. */
  function checkRing(html: string, startedAt: number, where: string, productPage: boolean) {
    const settled = changes.filter((c) => c.at + SETTLE_MS <= startedAt).pop();
    if (!settled) return;
    const shown = productPage
      ? euros(html.match(/data-testid="price"[^>]*>([^<]+)</)?.[1] ?? '')
      : euros(html.split(`href="${target}"`)[1]?.match(/data-testid="card-price"[^>]*>([^<]+)</)?.[1] ?? '€0.00');
    if (shown < settled.price) problems.push(`${where}: €${shown} shown after €${settled.price} settled`);
    if (productPage && settled.soldOut && !/data-testid="stock"[^>]*>\s*Sold out/.test(html)) {
      problems.push(`${where}: in stock after it sold out`);
    }
  }

  const deadline = Date.now() + MIX_MS;
  const pick = <T,>(xs: T[]) => xs[Math.floor(Math.random() * xs.length)];

  async function visitor(n: number) {
    let cached = new Set<string>(); // what this browser already holds
    for (let session = 0; Date.now() < deadline; session++) {
      // Three visits in four come back with the files and photos in the browser's cache.
      if (session % 4 === 0) cached = new Set<string>();
      const ctx = new Browser();
      const view = async (url: string) => {
        const startedAt = Date.now();
        const res = await fetchVia(ctx, url, { anonymousView: ctx.anonymous });
        const html = await res.text();
        if (url === target) checkRing(html, startedAt, url, true);
        else if (url.startsWith('/c/rings') && html.includes(`href="${target}"`)) checkRing(html, startedAt, url, false);
        // The files and photos the page loads (those the browser does not hold yet, six at a
        // time, as a browser does), and the header's cart count.
        const files = links(html, /(?:href|src)="(\/(?:pkg|media)\/[^"]+)"/g).filter((f) => !cached.has(f));
        files.forEach((f) => cached.add(f));
        const loads: Promise<unknown>[] = [fetchVia(ctx, '/api/cart/count', { method: 'POST', form: {} }).then((r) => r.arrayBuffer())];
        for (let i = 0; i < files.length; i += 6) {
          loads.push(...files.slice(i, i + 6).map((f) => fetchVia(ctx, f).then((r) => r.arrayBuffer())));
          await Promise.all(loads.splice(0));
        }
        await Promise.all(loads);
        return html;
      };
      await view('/');
      for (let i = 0; i < 4; i++) {
        const r = Math.random();
        await view(r < 0.3 ? pick(pages.slice(1)) : r < 0.45 ? pick(facets) : r < 0.55 ? pick(searches) : r < 0.95 ? pick(products) : target);
      }
      if (n === 0 && Math.random() < 0.5) {
        // A buyer: adds the ring (when in stock), sees the cart and checkout (private, never stored).
        const html = await view(target);
        const variant = html.match(/name="variant_id" value="(\d+)"/)?.[1];
        if (variant && !changes[changes.length - 1].soldOut) {
          await (await fetchVia(ctx, '/api/cart/add-in-place', { method: 'POST', form: { variant_id: variant, quantity: '1' } })).arrayBuffer();
          for (const p of ['/cart', '/checkout']) {
            const res = await fetchVia(ctx, p);
            if (res.headers.get('x-cache') !== 'PASS') problems.push(`${p} was ${res.headers.get('x-cache')}, not PASS`);
            await res.arrayBuffer();
          }
          // Another visitor's cart is theirs alone.
          const theirs = await (await fetchVia(new Browser(), '/cart')).text();
          if (theirs.includes(slug)) problems.push('a stranger saw the buyer\'s cart');
        }
      }
    }
  }

  async function staffChanges() {
    await new Promise((r) => setTimeout(r, CHANGE_EVERY_MS));
    while (Date.now() < deadline - 2 * SETTLE_MS) {
      price += 1;
      await setAll('price', price.toFixed(2));
      changes.push({ at: Date.now(), price, soldOut: false });
      await new Promise((r) => setTimeout(r, CHANGE_EVERY_MS));
    }
    await setAll('stock', '0');
    changes.push({ at: Date.now(), price, soldOut: true });
  }

  await Promise.all([staffChanges(), ...Array.from({ length: 12 }, (_, i) => visitor(i))]);

  // After the run: the ring's page through the proxy shows the last change.
  const final = await (await probe.get(target)).text();
  checkRing(final, Date.now(), 'final', true);
  await setAll('stock', '5');

  const all = tally.allHits / tally.all;
  const views = tally.viewHits / tally.views;
  console.log(
    `proxy hit ratio: all requests ${(100 * all).toFixed(1)} % (${tally.allHits}/${tally.all}), ` +
      `anonymous page views ${(100 * views).toFixed(1)} % (${tally.viewHits}/${tally.views}); ${changes.length} staff changes`,
  );
  expect(problems, problems.join('\n')).toEqual([]);
  expect(changes.length, 'staff changed the price several times').toBeGreaterThan(5);
  expect(all, 'share of all requests served from the cache').toBeGreaterThanOrEqual(0.7);
  expect(views, 'share of anonymous page views served from the cache').toBeGreaterThanOrEqual(0.9);
  await Promise.all([probe.dispose(), staff.dispose()]);
});
