// Shared Playwright setup: Debian's Chromium, no network chatter (see README "Toolchain").
import { chromium } from 'playwright-core';

/// The accessible names of the main controls, in either language of the page.
export const NAMES = {
  command: /^(Command|コマンド)$/,
  message: /^(Message|メッセージ)$/,
  transcript: /^(Transcript|やり取りの記録)$/,
  diagnostics: /^(Diagnostics|診断結果)$/,
};

export const BASE_URL = process.env.BASE_URL ?? 'http://127.0.0.1:8080/';

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
  });
}

/// Opens a page of the site and collects page errors (a wasm panic included) and
/// Content-Security-Policy violations (index.html's meta), which the tests assert empty.
export async function openPage(browser, path = '') {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) errors.push(m.text());
  });
  await page.goto(BASE_URL + path);
  return { page, errors };
}

/// Opens the playground and waits for its command line.
export async function openPlayground(browser, query = '') {
  const opened = await openPage(browser, query);
  await opened.page.getByRole('textbox', { name: NAMES.command }).waitFor();
  return opened;
}
