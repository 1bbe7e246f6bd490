import { existsSync } from 'node:fs';
import { defineConfig, devices } from '@playwright/test';

// The server is started by scripts/test, which passes its address in BASE_URL.
const baseURL = process.env.BASE_URL || 'http://127.0.0.1:3000';

// Debian's Chromium: the real binary is quieter than the /usr/bin/chromium wrapper script.
// Uses Debian's Chromium: Playwright's own browser download fails offline.
const executablePath =
  process.env.CHROMIUM_PATH ||
  (existsSync('/usr/lib/chromium/chromium') ? '/usr/lib/chromium/chromium' : '/usr/bin/chromium');

const launchOptions = {
  executablePath,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-dev-shm-usage',
  ],
};

// The replayed traffic through Varnish: its own project, run on its own.
const proxyOnly = /cache-proxy\.spec\.ts/;

const desktop = { ...devices['Desktop Chrome'], viewport: { width: 1280, height: 800 }, launchOptions };
const phone = { ...devices['Pixel 7'], launchOptions };

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  workers: 2,
  reporter: [['list'], ['html', { open: 'never' }]],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    { name: 'desktop-js', use: { ...desktop }, testIgnore: proxyOnly },
    { name: 'desktop-nojs', use: { ...desktop, javaScriptEnabled: false }, testIgnore: proxyOnly },
    { name: 'phone-js', use: { ...phone }, testIgnore: proxyOnly },
    { name: 'phone-nojs', use: { ...phone, javaScriptEnabled: false }, testIgnore: proxyOnly },
    // Through the caching proxy scripts/test starts (PROXY_URL), once the rest has run.
    ...(process.env.PROXY_URL ? [{ name: 'proxy', testMatch: proxyOnly }] : []),
  ],
});
