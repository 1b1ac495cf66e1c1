// Embed mode in a documentation page's iframes, and presentation mode, in real Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, openPlayground, NAMES } from './browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('the example documentation page embeds a terminal and a diagram, sized by postMessage', async () => {
  const { page, errors } = await openPage(browser, 'embed-example.html');
  const terminal = page.frameLocator('#terminal');
  const log = terminal.getByRole('log', { name: 'Transcript' });
  await log.getByText('RCPT TO:<pat@bar.com>').waitFor();
  assert.equal(await terminal.getByRole('textbox', { name: NAMES.command }).count(), 0, 'readonly: no command line');
  assert.match(await terminal.locator('.step-count').innerText(), /Step 4 of \d+/);
  const diagram = page.frameLocator('#diagram');
  const img = diagram.getByRole('img', { name: /^Session state/ });
  await img.waitFor();
  assert.equal(await diagram.locator('html').getAttribute('data-theme'), 'dark');
  assert.equal(await diagram.locator('html').getAttribute('lang'), 'ja');
  // The frames were resized from 150px to their content's height.
  await page.waitForFunction(() => [...document.querySelectorAll('iframe')].every((f) => f.style.height !== '150px'));
  const h = await page.locator('#terminal').evaluate((f) => parseInt(f.style.height, 10));
  assert.ok(h > 200, `terminal frame height ${h}`);
  // Stepping inside the frame
  await terminal.getByRole('button', { name: 'Next step' }).click();
  await log.getByText('354 Start mail input; end with <CRLF>.<CRLF>').waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});

test('"Open in full playground" carries the embed state into the full page', async () => {
  const { page, errors } = await openPlayground(browser, '?embed=1&view=terminal&scenario=lmtp&step=5');
  const log = page.getByRole('log', { name: 'Transcript' });
  await log.getByText('RCPT TO:<green@foo.edu>').waitFor();
  const before = await log.innerText();
  const [popup] = await Promise.all([
    page.waitForEvent('popup'),
    page.getByRole('link', { name: /Open in full playground/ }).click(),
  ]);
  await popup.getByRole('textbox', { name: NAMES.command }).waitFor();
  const full = popup.getByRole('log', { name: 'Transcript' });
  await full.getByText('RCPT TO:<green@foo.edu>').waitFor();
  const dialogue = (t) => { // without the "new session" note
    const at = t.indexOf('S:ok220');
    assert.ok(at >= 0, t);
    return t.slice(at);
  };
  assert.equal(dialogue(await full.innerText()), dialogue(before));
  assert.match(await popup.locator('.step-count').innerText(), /Step 6 of/);
  await popup.getByRole('button', { name: 'Copy link' }).waitFor(); // the full page, with its chrome
  assert.deepEqual(errors, []);
  await popup.close();
  await page.close();
});

test('autoplay steps the scenario by itself', async () => {
  const { page } = await openPlayground(browser, '?embed=1&scenario=basic&autoplay=1');
  const log = page.getByRole('log', { name: 'Transcript' });
  await log.getByText('MAIL FROM:<chris@foo.edu>').waitFor({ timeout: 15000 });
  // Paused, it stays where it is.
  await page.getByRole('button', { name: 'Pause' }).click();
  const at = await page.locator('.step-count').innerText();
  await page.waitForTimeout(2500);
  assert.equal(await page.locator('.step-count').innerText(), at);
  await page.getByRole('button', { name: 'Play' }).waitFor();
  await page.close();
});

test('presentation mode: large type, no chrome, keys step back and forth with a counter', async () => {
  const { page, errors } = await openPage(browser, '?present=1&scenario=basic');
  const counter = page.locator('.step-big');
  await counter.waitFor();
  assert.match(await counter.innerText(), /^Step 1 of \d+$/, 'the step the next key sends');
  assert.equal(await page.getByRole('button', { name: 'Copy link' }).count(), 0, 'no chrome');
  const size = await page.locator('.transcript').evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
  assert.ok(size >= 24, `large type: ${size}px`);
  await page.keyboard.press('Space');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => /^Step 3 /.test(document.querySelector('.step-big')?.textContent ?? ''));
  const log = page.getByRole('log', { name: 'Transcript' });
  await log.getByText('MAIL FROM:<chris@foo.edu>').waitFor();
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction(() => /^Step 2 /.test(document.querySelector('.step-big')?.textContent ?? ''));
  assert.equal(await log.getByText('MAIL FROM:<chris@foo.edu>').count(), 0, 'one step back');
  // A modified key is the browser's (Alt+Left is Back), not the presentation's.
  await page.keyboard.press('Alt+ArrowLeft');
  await page.waitForTimeout(200);
  assert.match(await counter.innerText(), /^Step 2 /);
  // After the last step the counter says so (not "Step N of N" again).
  const total = Number((await counter.innerText()).match(/of (\d+)/)[1]);
  for (let k = 2; k <= total; k++) await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => /all steps sent/.test(document.querySelector('.step-big')?.textContent ?? ''));
  assert.deepEqual(errors, []);
  await page.close();
});
