// Permalinks, autosave, exports and the language parameter, in real Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { launch, openPlayground, BASE_URL, NAMES } from './browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function send(page, lines) {
  const command = page.getByRole('textbox', { name: NAMES.command });
  for (const line of lines) {
    await command.fill(line);
    await command.press('Enter');
  }
}

test('a copied link opens the same session, validator text and language elsewhere', async () => {
  const { page, errors } = await openPlayground(browser, '?lang=ja');
  await send(page, ['EHLO client.example', 'MAIL FROM:<chris@foo.edu>', 'RCPT TO:<pat@bar.com>']);
  const message = page.getByRole('textbox', { name: NAMES.message });
  await message.fill('Subject: 日本語のテスト\n\nbody <b>not html</b>\n');
  await page.waitForTimeout(300); // the validator's debounce
  await page.getByRole('button', { name: 'リンクをコピー' }).click();
  const out = page.getByRole('textbox', { name: 'エクスポート' });
  await out.waitFor();
  const url = await out.inputValue();
  assert.match(url, /#state=[A-Za-z0-9_-]+$/);
  const transcript = await page.getByRole('log', { name: NAMES.transcript }).innerText();

  const other = await browser.newPage(); // a new context: no autosave to fall back on
  await other.goto(url);
  const log = other.getByRole('log', { name: NAMES.transcript });
  await log.getByText('250 2.1.5 Recipient <pat@bar.com> ok').or(log.getByText(/^250 OK$/).last()).first().waitFor();
  const again = await log.innerText();
  assert.equal(again.replace(/^.*\n/, ''), transcript.replace(/^.*\n/, ''), 'same dialogue');
  assert.equal(await other.getByRole('textbox', { name: NAMES.message }).inputValue(),
    'Subject: 日本語のテスト\n\nbody <b>not html</b>\n');
  assert.equal(await other.locator('html').getAttribute('lang'), 'ja');
  assert.ok(!other.url().includes('#state='), 'the fragment is consumed');
  assert.deepEqual(errors, []);
  await page.close();
  await other.close();
});

test('a damaged or truncated link shows a notice and the default playground', async () => {
  for (const hash of ['#state=AAAA', '#state=not*base64', '#state=']) {
    const { page, errors } = await openPlayground(browser, hash);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /could not be opened/);
    await send(page, ['NOOP']);
    await page.getByRole('log', { name: NAMES.transcript }).getByText('250 OK').waitFor();
    assert.deepEqual(errors, []);
    await page.close();
  }
});

// A scenario's file is fetched before the saved run is restored into it; when it cannot
// be, the reader is told, and the rest of the session is restored.
test('a saved scenario run whose file cannot be loaded says so', async () => {
  const { page, errors } = await openPlayground(browser);
  await page.getByRole('combobox', { name: 'Scenario' }).selectOption({ label: 'LMTP vs SMTP: pat, jones and green' });
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await page.getByRole('button', { name: 'Next step' }).click();
  await page.locator('.scenarios .step-count').getByText(/^Step 2 of/).waitFor();
  await page.waitForFunction(() => /lmtp/.test(localStorage.getItem('mailroom:autosave') ?? ''));
  // The same page again: the saved run is restored with its scenario.
  await page.reload();
  await page.locator('.scenarios .step-count').getByText(/^Step 2 of/).waitFor();
  // Again, with the scenario's file unavailable.
  await page.route('**/scenarios/lmtp.txt', (route) => route.fulfill({ status: 404, body: '' }));
  await page.reload();
  const alert = page.getByRole('alert');
  await alert.getByText("The scenario could not be loaded: 'lmtp'").waitFor();
  await page.getByRole('log', { name: NAMES.transcript }).getByText('LHLO').first().waitFor();
  assert.equal(await page.locator('.scenarios .step-count').count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a reload restores the session from the autosave; damaged storage is reset with a notice', async () => {
  const { page, errors } = await openPlayground(browser);
  await send(page, ['EHLO client.example', 'MAIL FROM:<chris@foo.edu>']);
  await page.waitForFunction(() => /MAIL FROM:<chris@foo\.edu>/.test(localStorage.getItem('mailroom:autosave') ?? ''));
  await page.reload();
  const log = page.getByRole('log', { name: NAMES.transcript });
  await log.getByText('MAIL FROM:<chris@foo.edu>').waitFor();
  assert.equal(await page.locator('svg[role="img"]').getAttribute('aria-label').then((l) => /MailFrom/.test(l)), true);
  await page.evaluate(() => localStorage.setItem('mailroom:autosave', 'mailroom-state 1\n\n! profile nonesuch\n'));
  await page.reload();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.innerText(), /could not be restored.*nonesuch/s);
  await page.getByRole('button', { name: 'Dismiss' }).click();
  await page.reload();
  await page.getByRole('textbox', { name: NAMES.command }).waitFor();
  await page.waitForTimeout(300);
  assert.equal(await page.getByRole('alert').count(), 0, 'reset: no notice the next time');
  assert.deepEqual(errors, []);
  await page.close();
});

test('exports: fixture text, and text, Markdown and JSON downloads', async () => {
  const { page, errors } = await openPlayground(browser);
  await send(page, ['EHLO client.example', 'MAIL FROM:<a@b.example>', 'RCPT TO:<pat@foo.edu>', 'DATA']);
  await page.getByRole('textbox', { name: 'Message data' }).fill('Subject: x\n\n.dot\n');
  await page.getByRole('button', { name: 'Send and end with "."' }).click();
  await page.getByRole('button', { name: 'Copy as test fixture' }).click();
  const fixture = await page.getByRole('textbox', { name: 'Export' }).inputValue();
  assert.match(fixture, /^! profile foo-edu\nS: 220 foo\.edu SMTP server ready\nC: EHLO client\.example\nS: 250-foo\.edu/);
  assert.match(fixture, /C: \.\.dot\nC: \.\nS: 250 OK\n$/);

  const grab = async (name) => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name }).click()]);
    return { name: download.suggestedFilename(), text: await readFile(await download.path(), 'utf8') };
  };
  const txt = await grab('Download text');
  assert.equal(txt.name, 'mailroom-session.txt');
  assert.match(txt.text, /C: MAIL FROM:<a@b\.example>\nS: 250 OK\n/);
  const md = await grab('Download Markdown');
  assert.match(md.text, /^## Mailroom session\n/);
  assert.match(md.text, /\| `354 Start mail input; end with <CRLF>\.<CRLF>` \| `data-start` \|/);
  const json = JSON.parse((await grab('Download JSON')).text);
  const last = json.filter((r) => r.kind === 'server').at(-1);
  assert.equal(last.code, 250);
  assert.match(last.rfc, /^RFC /);
  assert.ok(json.some((r) => r.kind === 'client' && r.text === 'RCPT TO:<pat@foo.edu>'));
  assert.deepEqual(errors, []);
  await page.close();
});

test('?lang=ja opens in Japanese; otherwise the browser language decides', async () => {
  const { page } = await openPlayground(browser, '?lang=ja');
  assert.equal(await page.locator('html').getAttribute('lang'), 'ja');
  await page.getByRole('button', { name: 'リンクをコピー' }).waitFor();
  await page.close();
  const ctx = await browser.newContext({ locale: 'ja-JP' });
  const ja = await ctx.newPage();
  await ja.goto(BASE_URL);
  await ja.getByRole('textbox', { name: NAMES.command }).waitFor();
  assert.equal(await ja.locator('html').getAttribute('lang'), 'ja');
  await ctx.close();
});

test('a link is untrusted text: hostile values are shown as text, oversize links are refused', async () => {
  // Built in the page with the app's own format and the browser's deflate.
  const { page, errors } = await openPlayground(browser);
  const make = (text) => page.evaluate(async (t) => {
    const s = new Blob([new TextEncoder().encode(t)]).stream().pipeThrough(new CompressionStream('deflate-raw'));
    const b = new Uint8Array(await new Response(s).arrayBuffer());
    let bin = '';
    for (const x of b) bin += String.fromCharCode(x);
    return location.origin + location.pathname + '#state=' + btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }, text);
  const hostile = await make('mailroom-state 1\nvalidator: <img src=x onerror=window.__pwned=1>\n\n! profile foo-edu\nC~ EHLO <script>window.__pwned=2</script>\\r\\n\n');
  const other = await browser.newPage();
  await other.goto(hostile);
  await other.getByRole('log', { name: NAMES.transcript }).getByText('EHLO <script>window.__pwned=2</script>').waitFor();
  assert.equal(await other.getByRole('textbox', { name: NAMES.message }).inputValue(), '<img src=x onerror=window.__pwned=1>');
  assert.equal(await other.evaluate(() => window.__pwned), undefined);
  assert.equal(await other.locator('main img, main script').count(), 0);
  // A state that inflates past 4 MB is refused before it is read.
  const bomb = await make('mailroom-state 1\n\n' + 'x'.repeat(5 * 1024 * 1024));
  await other.goto('about:blank');
  await other.goto(bomb);
  const alert = other.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.innerText(), /could not be opened.*(4 MB|damaged)/s);
  assert.deepEqual(errors, []);
  await other.close();
  await page.close();
});
