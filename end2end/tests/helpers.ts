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
