// Shared Playwright setup: Debian's Chromium, no network chatter (see README "Toolchain").
import { chromium } from 'playwright-core';

export const BASE_URL = process.env.BASE_URL ?? 'http://127.0.0.1:8080/';

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
  });
}

/// Opens the playground and fails the test on any page error (a wasm panic included) or
/// Content-Security-Policy violation.
export async function openPlayground(browser, query = '') {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  // A Content-Security-Policy violation (index.html's meta) counts as an error too.
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) errors.push(m.text());
  });
  await page.goto(BASE_URL + query);
  await page.getByRole('textbox', { name: 'Command' }).waitFor();
  return { page, errors };
}
