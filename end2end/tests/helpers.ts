import * as path from 'node:path';
import type { Page, TestInfo } from '@playwright/test';

/** end2end/screenshots (gitignored). */
export const SCREENSHOT_DIR = path.resolve(__dirname, '..', 'screenshots');

/**
 * Saves a full-page screenshot to end2end/screenshots/<project>/<name>.png
 * and attaches it to the test's report.
 */
export async function shot(page: Page, testInfo: TestInfo, name: string): Promise<string> {
  const file = path.join(SCREENSHOT_DIR, testInfo.project.name, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
  return file;
}

/** Whether the current project runs with JavaScript on (the *-nojs projects turn it off). */
export function jsEnabled(testInfo: TestInfo): boolean {
  return testInfo.project.use.javaScriptEnabled !== false;
}

/** A unique address per test and project, so projects running in parallel never collide. */
export function uniqueEmail(testInfo: TestInfo, tag: string): string {
  const rand = Math.random().toString(36).slice(2, 8);
  return `${tag}-${testInfo.project.name}-${Date.now().toString(36)}-${rand}@example.com`.toLowerCase();
}

/** The six-digit code in the newest message to `email` in the dev mailbox. */
export async function codeFromMailbox(page: Page, email: string, subject: RegExp): Promise<string> {
  await page.goto(`/dev/mailbox?to=${encodeURIComponent(email)}`);
  const mail = page.getByTestId('mail').filter({ hasText: subject }).first();
  const body = await mail.getByTestId('mail-body').innerText();
  const match = body.match(/\b(\d{6})\b/);
  if (!match) throw new Error(`no code in: ${body}`);
  return match[1];
}

/** RFC 6238 TOTP (SHA-1, 6 digits, 30 s), as an authenticator app computes it. */
export function totp(secretBase32: string, unixSeconds = Date.now() / 1000): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secretBase32.replace(/[\s=]/g, '').toUpperCase()) {
    bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  }
  const key: number[] = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) key.push(parseInt(bits.slice(i, i + 8), 2));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unixSeconds / 30)));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createHmac } = require('node:crypto') as typeof import('node:crypto');
  const h = createHmac('sha1', Buffer.from(key)).update(counter).digest();
  const offset = h[h.length - 1] & 0xf;
  return ((h.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).toString().padStart(6, '0');
}

/** A code that is certainly not `right`. */
export function wrongCode(right: string): string {
  return right === '000000' ? '111111' : '000000';
}
