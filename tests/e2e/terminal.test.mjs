// The walking skeleton, end to end in real Chromium: type EHLO, see the 250 reply.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPlayground } from './browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('EHLO + Enter shows the server greeting and the 250 reply', async () => {
  const { page, errors } = await openPlayground(browser);
  const log = page.getByRole('log', { name: 'Transcript' });
  await assert.doesNotReject(log.getByText('220 foo.edu SMTP server ready').waitFor());
  const command = page.getByRole('textbox', { name: 'Command' });
  await command.fill('EHLO client.example');
  await command.press('Enter');
  await log.getByText('250-foo.edu').waitFor();
  const text = await log.innerText();
  assert.match(text, /C:\s*EHLO client\.example/);
  assert.match(text, /250-PIPELINING\n250 SIZE/);
  assert.equal(await command.inputValue(), '', 'the input is cleared after sending');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the basic transaction from the talk runs to 221', async () => {
  const { page, errors } = await openPlayground(browser);
  const command = page.getByRole('textbox', { name: 'Command' });
  for (const line of ['EHLO host.foo.edu', 'MAIL FROM:<chris@foo.edu>', 'RCPT TO:<pat@bar.com>',
    'DATA', 'Blah blah blah...', '.', 'QUIT']) {
    await command.fill(line);
    await command.press('Enter');
  }
  const log = page.getByRole('log', { name: 'Transcript' });
  await log.getByText('221 foo.edu closing connection').waitFor();
  const text = await log.innerText();
  assert.match(text, /354 Start mail input; end with <CRLF>\.<CRLF>/);
  assert.equal((text.match(/250 OK/g) ?? []).length, 3, 'MAIL, RCPT and the end of data each get 250 OK');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the Content-Security-Policy forbids inline scripts, and the app still starts', async () => {
  const { page, errors } = await openPlayground(browser);
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  // An inline script added at run time must be refused by the browser.
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__inline = 1';
    document.body.append(s);
  });
  assert.equal(await page.evaluate(() => window.__inline), undefined);
  assert.ok(errors.some((e) => /Content Security Policy/i.test(e)), 'the refusal is reported');
  await page.close();
});
