import { expect, test } from '@playwright/test';

// What a page loads from /pkg carries its content's hash in its name, so browsers and the CDN may
// keep it a year without asking again; it is sent compressed (brotli, precompressed at build time).
test('the shop loads content-hashed scripts, WebAssembly and styles cached for a year', async ({ page, request }) => {
  await page.goto('/c/games');
  const urls = await page.evaluate(() =>
    [...document.querySelectorAll('link[href^="/pkg/"], script[src^="/pkg/"]')].map(
      (el) => el.getAttribute('href') ?? el.getAttribute('src') ?? '',
    ),
  );
  const kinds = new Set(urls.map((u) => u.split('.').pop()));
  for (const kind of ['css', 'js', 'wasm']) expect(kinds, `a ${kind} file among ${urls.join(', ')}`).toContain(kind);
  for (const url of urls) {
    expect(url).toMatch(/\/[A-Za-z_]+\.[A-Za-z0-9_-]{22}\.(css|js|wasm)$/);
    const res = await request.get(url, { headers: { 'Accept-Encoding': 'br' } });
    expect(res.status(), url).toBe(200);
    expect(res.headers()['cache-control'], url).toBe('public, max-age=31536000, immutable');
    expect(res.headers()['content-encoding'], url).toBe('br');
  }
  // A name without a hash (the favicon) is kept a day only.
  const icon = await request.get('/favicon.svg');
  expect(icon.headers()['cache-control']).toContain('max-age=86400');
});
