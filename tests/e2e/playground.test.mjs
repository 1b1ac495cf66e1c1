// The playground's panels end to end in real Chromium: terminal (pipelined paste, DATA
// mode, history, quick buttons, explanations), state diagram, envelope, settings,
// scenarios, mailboxes, language, and user text rendered as text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, openPlayground, NAMES } from './browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function send(page, line) {
  const command = page.getByRole('textbox', { name: 'Command' });
  await command.fill(line);
  await command.press('Enter');
}

/// Pastes text into the command input the way a browser does (a paste event with data).
async function paste(page, text) {
  await page.getByRole('textbox', { name: 'Command' }).focus();
  await page.evaluate((t) => {
    const dt = new DataTransfer();
    dt.setData('text/plain', t);
    document.activeElement.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  }, text);
}

test('a pasted multi-line text is one pipelined batch, replies split per RFC 2920 group', async () => {
  const { page, errors } = await openPlayground(browser);
  await paste(page, 'EHLO c.example\nMAIL FROM:<a@b.example>\nRCPT TO:<c@d.example>\nDATA\n');
  const log = page.getByRole('log', { name: 'Transcript' });
  await log.getByText('354 Start mail input').waitFor();
  const text = await log.innerText();
  // all four commands first, then the replies; EHLO's group ends before MAIL's reply
  assert.match(text, /C:\s*EHLO c\.example\s*C:\s*MAIL FROM:<a@b\.example>\s*C:\s*RCPT TO:<c@d\.example>\s*C:\s*DATA\s*S:/);
  assert.equal(await log.getByRole('separator').count(), 1);
  assert.equal(await page.getByRole('textbox', { name: 'Command' }).inputValue(), '');
  assert.deepEqual(errors, []);
  await page.close();
});

test('after 354 the DATA editor stuffs dots visibly and ends with "."', async () => {
  const { page, errors } = await openPlayground(browser);
  await paste(page, 'EHLO c.example\nMAIL FROM:<a@b.example>\nRCPT TO:<c@d.example>\nDATA');
  const data = page.getByRole('textbox', { name: 'Message data' });
  await data.waitFor();
  await data.fill('Subject: dots\n\n.hidden line\nhello');
  const preview = page.locator('.stuffing');
  await preview.getByText('.hidden line').waitFor();
  assert.match(await preview.innerText(), /\.\.hidden line/);
  await page.getByRole('button', { name: 'Send and end with "."' }).click();
  const log = page.getByRole('log', { name: 'Transcript' });
  await log.getByText('250 OK').last().waitFor();
  assert.equal(await data.count(), 0, 'the editor goes away after the end of data');
  const stuffed = log.locator('mark.stuffed');
  assert.equal(await stuffed.count(), 1);
  assert.match(await stuffed.getAttribute('title'), /RFC 5321 4\.5\.2/);
  assert.match(await log.innerText(), /end of data/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('Up/Down walk the command history; quick buttons fill in the next command', async () => {
  const { page, errors } = await openPlayground(browser);
  const command = page.getByRole('textbox', { name: 'Command' });
  const quick = page.getByRole('group', { name: 'Commands you may send now' });
  const ehlo = quick.getByRole('button', { name: 'EHLO' });
  assert.ok((await ehlo.getAttribute('title')).length > 0, 'the syntax hint is the title');
  await ehlo.click();
  assert.equal(await command.inputValue(), 'EHLO client.example');
  await command.press('Enter');
  await quick.getByRole('button', { name: 'MAIL' }).waitFor();
  await send(page, 'NOOP');
  await command.fill('half typed');
  await command.press('ArrowUp');
  assert.equal(await command.inputValue(), 'NOOP');
  await command.press('ArrowUp');
  assert.equal(await command.inputValue(), 'EHLO client.example');
  await command.press('ArrowDown');
  await command.press('ArrowDown');
  assert.equal(await command.inputValue(), 'half typed');
  assert.deepEqual(errors, []);
  await page.close();
});

test('each reply has a class badge in text and expands to its explanation and RFC section', async () => {
  const { page, errors } = await openPlayground(browser);
  await send(page, 'RCPT TO:<x@y.example>');
  const log = page.getByRole('log', { name: 'Transcript' });
  const reply = log.locator('details.server').last();
  await reply.locator('summary').getByText('503').waitFor();
  assert.match(await reply.locator('.badge').innerText(), /error/);
  await reply.locator('summary').click();
  const why = reply.locator('.why');
  await why.waitFor();
  assert.match(await why.innerText(), /RFC 5321/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the state diagram draws every core state and edge and follows the session', async () => {
  const { page, errors } = await openPlayground(browser);
  const img = page.getByRole('img', { name: /^Session state: Connected/ });
  await img.waitFor();
  assert.equal(await img.locator('g.node').count(), 9);
  assert.equal(await img.locator('path.edge').count(), 21);
  assert.equal(await img.locator('g.node.current').getAttribute('data-state'), 'Connected');
  await send(page, 'EHLO client.example');
  const greeted = page.getByRole('img', { name: /^Session state: Greeted/ });
  await greeted.waitFor();
  assert.match(await greeted.getAttribute('aria-label'), /Connected → Greeted: EHLO client\.example \(RFC 5321/);
  assert.equal(await greeted.locator('path.edge.last').getAttribute('data-from'), 'Connected');
  assert.match(await greeted.locator('.edge-label').textContent(), /EHLO client\.example · RFC 5321/);
  assert.match(await page.locator('.flags').innerText(), /ESMTP: on/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('LMTP: the envelope panel shows each recipient and the per-recipient results', async () => {
  const { page, errors } = await openPlayground(browser);
  await page.getByRole('combobox', { name: 'Profile' }).selectOption('lmtp');
  await page.getByRole('button', { name: 'Apply and restart' }).click();
  const log = page.getByRole('log', { name: 'Transcript' });
  await log.getByText('220 foo.edu LMTP server ready').waitFor();
  await paste(page, 'LHLO foo.edu\nMAIL FROM:<chris@bar.com>\nRCPT TO:<pat@foo.edu>\nRCPT TO:<jones@foo.edu>\nRCPT TO:<green@foo.edu>\nDATA');
  const table = page.locator('table.recipients');
  await table.getByText('<green@foo.edu>').waitFor();
  assert.match(await table.innerText(), /<jones@foo\.edu>.*550.*refused/s);
  await page.getByRole('textbox', { name: 'Message data' }).fill('Subject: hi\n\nhello');
  await page.getByRole('button', { name: 'Send and end with "."' }).click();
  await log.getByText('452 4.2.2 <green@foo.edu>').waitFor();
  await table.getByText('LMTP: one reply per accepted recipient').waitFor();
  const text = await table.innerText();
  assert.match(text, /<pat@foo\.edu>.*250.*accepted.*250/s);
  assert.match(text, /<green@foo\.edu>.*250.*accepted.*452/s);
  // the mailbox got the message, with the trace fields the server added
  const mail = page.locator('.mailboxes .message').first();
  await mail.locator('summary').click();
  assert.match(await mail.locator('mark.trace').innerText(), /^Return-Path: <chris@bar\.com>\s+Received: from foo\.edu/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('settings: changing them mid-transaction asks first; fault rules apply', async () => {
  const { page, errors } = await openPlayground(browser);
  await paste(page, 'EHLO c.example\nMAIL FROM:<a@b.example>');
  const log = page.getByRole('log', { name: 'Transcript' });
  await log.getByText('250 OK').waitFor();
  await page.getByRole('textbox', { name: 'Fault rules' }).fill('on RCPT matching *@spam.example reply 550 5.7.1 Blocked');
  page.once('dialog', (d) => d.dismiss());
  await page.getByRole('button', { name: 'Apply and restart' }).click();
  await page.waitForTimeout(100);
  assert.equal(await log.getByText('A new session started.').count(), 0, 'dismissed: same session');
  page.once('dialog', (d) => d.accept());
  await page.getByRole('button', { name: 'Apply and restart' }).click();
  await log.getByText('A new session started.').waitFor();
  await paste(page, 'HELO c.example\nMAIL FROM:<a@b.example>\nRCPT TO:<x@spam.example>');
  await log.getByText('550 Blocked').waitFor();
  // a bad rule is reported, not applied
  await page.getByRole('textbox', { name: 'Fault rules' }).fill('on RCPT reply 999 nope');
  await page.getByRole('button', { name: 'Apply and restart' }).click();
  await page.getByRole('alert').getByText(/faults line 1/).waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});

test('a guided scenario steps one write at a time with explanations in English and Japanese', async () => {
  const { page, errors } = await openPlayground(browser);
  await page.getByRole('combobox', { name: 'Scenario' }).selectOption({ label: 'LMTP vs SMTP: pat, jones and green' });
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  const panel = page.locator('.scenarios');
  await panel.getByText('Step 1 of').waitFor();
  assert.match(await panel.locator('.explain').innerText(), /LHLO instead of EHLO/);
  const next = page.getByRole('button', { name: 'Next step' });
  await next.click();
  const log = page.getByRole('log', { name: 'Transcript' });
  await log.getByText('250 ENHANCEDSTATUSCODES').waitFor();
  while (await next.count() > 0) await next.click();
  await log.getByText('452 4.2.2 <green@foo.edu> is temporarily over quota').waitFor();
  await log.getByText('221 2.0.0 Goodbye').waitFor();
  await page.getByRole('button', { name: '日本語' }).click();
  await panel.getByText('シナリオは終わりです').waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'ja');
  assert.match(await page.locator('#terminal-title').innerText(), /セッション/);
  await page.getByRole('button', { name: 'English' }).click();
  await page.locator('#terminal-title').getByText('Session').waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});

test('every scenario runs to its end without a page error', async () => {
  const { page, errors } = await openPlayground(browser);
  const select = page.getByRole('combobox', { name: 'Scenario' });
  const count = await select.locator('option').count();
  assert.ok(count >= 12, `${count} scenarios`);
  for (let i = 0; i < count; i++) {
    await select.selectOption({ index: i });
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    // The scenario's file is fetched when it starts.
    await page.locator('.scenarios .step-count').getByText(/^Step 1 of/).waitFor();
    const next = page.getByRole('button', { name: 'Next step' });
    while (await next.count() > 0) await next.click();
    await page.locator('.scenarios').getByText('The scenario is complete').waitFor();
  }
  assert.deepEqual(errors, []);
  await page.close();
});

// The scenario texts are not part of the first load: each is fetched when it is opened.
test('scenarios are fetched when opened, and a failed fetch says so', async () => {
  const { page, errors } = await openPage(browser);
  const fetched = [];
  page.on('request', (r) => { if (r.url().includes('/scenarios/')) fetched.push(r.url().split('/').pop()); });
  await page.getByRole('textbox', { name: 'Command' }).waitFor();
  await page.waitForTimeout(300);
  assert.deepEqual(fetched, [], 'no scenario fetched on load');
  await page.getByRole('combobox', { name: 'Scenario' }).selectOption({ label: 'Bare LF and SMTP smuggling' });
  await page.route('**/scenarios/smuggling.txt', (route) => route.fulfill({ status: 404, body: '' }));
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await page.locator('.scenarios').getByRole('alert').getByText('The scenario could not be loaded: smuggling').waitFor();
  await page.unroute('**/scenarios/smuggling.txt');
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await page.locator('.scenarios .step-count').getByText(/^Step 1 of/).waitFor();
  assert.equal(await page.locator('.scenarios').getByRole('alert').count(), 0);
  assert.deepEqual(fetched, ['smuggling.txt', 'smuggling.txt']);
  assert.deepEqual(errors, []);
  await page.close();
});

test('user text is rendered as text: markup in commands, data and settings never runs', async () => {
  const { page, errors } = await openPlayground(browser);
  const evil = '<img src=x onerror="window.__xss=1">';
  await send(page, evil);
  await paste(page, `EHLO c.example\nMAIL FROM:<a@b.example>\nRCPT TO:<c@d.example>\nDATA`);
  await page.getByRole('textbox', { name: 'Message data' }).fill(`Subject: ${evil}\n\n${evil}`);
  await page.getByRole('button', { name: 'Send and end with "."' }).click();
  await page.getByRole('textbox', { name: 'Mailboxes' }).fill(`${evil} ok`);
  await page.getByRole('button', { name: 'Apply and restart' }).click();
  const log = page.getByRole('log', { name: 'Transcript' });
  await log.getByText(evil).first().waitFor();
  await page.locator('.mailboxes .message summary').first().click();
  await page.waitForTimeout(200);
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  assert.equal(await page.locator('main img').count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

// The validator and compose panels are left out of a lean build (web/Cargo.toml, feature
// "validator"); these tests skip themselves there.
async function validatorOrSkip(t, page) {
  if (await page.getByRole('textbox', { name: NAMES.message }).count() === 0) {
    t.skip('built without the validator (see web/Cargo.toml)');
    return false;
  }
  return true;
}

test('validator: live diagnostics with rule, severity and RFC; a click selects the span', async (t) => {
  const { page, errors } = await openPlayground(browser);
  if (!await validatorOrSkip(t, page)) { await page.close(); return; }
  const message = page.getByRole('textbox', { name: 'Message', exact: true });
  await message.fill('From: chris@foo.edu\nSubject: no date\n\nhello\n');
  const list = page.getByRole('list', { name: 'Diagnostics' });
  const missingDate = list.getByRole('listitem').filter({ hasText: 'missing-date' });
  await missingDate.waitFor();
  assert.match(await missingDate.innerText(), /error/);
  assert.match(await missingDate.innerText(), /RFC 5322/);
  await missingDate.getByRole('button').click();
  const focused = await page.evaluate(() => document.activeElement?.getAttribute('aria-label'));
  assert.equal(focused, 'Message');
  assert.deepEqual(errors, []);
  await page.close();
});

test('validator: a click on a finding scrolls the editor to it, up or down', async (t) => {
  const { page, errors } = await openPlayground(browser);
  if (!await validatorOrSkip(t, page)) { await page.close(); return; }
  const message = page.getByRole('textbox', { name: 'Message', exact: true });
  const lines = Array.from({ length: 200 }, (_, i) => (i === 180 ? 'x'.repeat(1000) : `line ${i}`));
  // Filled as typed: the caret, and the editor's scroll, end at the bottom.
  await message.fill('From: a@b.example\nTo: "Mr. Foo" <foo@example.com >\nSubject: s\nDate: Thu, 26 Oct 2023 00:07:56 +0900\nMessage-ID: <1@b.example>\n\n' + lines.join('\n') + '\n');
  const list = page.getByRole('list', { name: 'Diagnostics' });
  // The mark of the clicked finding is inside the editor's visible box.
  const shown = (rule) => page.evaluate((rule) => {
    const a = document.querySelector('.validator textarea');
    const mark = document.querySelector(`.validator .layer mark.${rule}`);
    const m = mark.getBoundingClientRect(), r = a.getBoundingClientRect();
    return { visible: m.top >= r.top && m.bottom <= r.bottom, scrollTop: a.scrollTop };
  }, rule);
  await list.getByRole('listitem').filter({ hasText: 'address-whitespace' }).getByRole('button').click();
  let s = await shown('warning');
  assert.ok(s.visible, `line 2 in view: ${JSON.stringify(s)}`);
  await list.getByRole('listitem').filter({ hasText: 'line-too-long' }).getByRole('button').click();
  s = await shown('error');
  assert.ok(s.visible && s.scrollTop > 0, `line 187 in view: ${JSON.stringify(s)}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('validator: findings over a rule\'s cap are counted in the summary', async (t) => {
  const { page, errors } = await openPlayground(browser);
  if (!await validatorOrSkip(t, page)) { await page.close(); return; }
  const message = page.getByRole('textbox', { name: 'Message', exact: true });
  const long = Array.from({ length: 300 }, () => 'x'.repeat(1000)).join('\n');
  await message.evaluate((el, t) => { el.value = t; el.dispatchEvent(new InputEvent('input', { bubbles: true })); },
    'From: a@b.example\nDate: Thu, 26 Oct 2023 00:07:56 +0900\nMessage-ID: <1@b.example>\nSubject: s\n\n' + long + '\n');
  const summary = page.locator('.validator .summary');
  await summary.getByText('200 more line-too-long not shown').waitFor();
  assert.match(await summary.innerText(), /^100 errors/);
  await page.getByRole('button', { name: '日本語' }).click();
  await summary.getByText('ほかに line-too-long 200 件は表示していません').waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});

test('validator: editor text is checked as CRLF lines; a click selects the exact span after Japanese text and emoji', async (t) => {
  const { page, errors } = await openPlayground(browser);
  if (!await validatorOrSkip(t, page)) { await page.close(); return; }
  const message = page.getByRole('textbox', { name: 'Message', exact: true });
  // A textarea's value only has LF line breaks; the message on the wire has CRLF.
  const text = 'From: chris@foo.edu\nSubject: 日本語 \u{1F680}\nTo: "太郎" <taro@example.jp >\nDate: Thu, 26 Oct 2023 00:07:56 +0900\nMessage-ID: <1@foo.edu>\n\nhello\n';
  await message.fill(text);
  const list = page.getByRole('list', { name: 'Diagnostics' });
  const item = list.getByRole('listitem').filter({ hasText: 'address-whitespace' });
  await item.waitFor();
  assert.equal(await list.getByText('bare-lf').count(), 0);
  // The first check does not replace (and empty) the editor.
  assert.equal(await message.inputValue(), text);
  await item.getByRole('button').click();
  const sel = await page.evaluate(() => {
    const el = document.activeElement;
    return [el.selectionStart, el.selectionEnd, el.getAttribute('aria-label')];
  });
  const at = text.indexOf(' >');
  assert.deepEqual(sel, [at, at + 1, 'Message']);
  assert.deepEqual(errors, []);
  await page.close();
});

test('validator: lines with findings are tinted and their spans marked under the text, which they follow as it wraps and scrolls', async (t) => {
  const { page, errors } = await openPlayground(browser);
  if (!await validatorOrSkip(t, page)) { await page.close(); return; }
  const message = page.getByRole('textbox', { name: 'Message', exact: true });
  let body = '';
  for (let i = 0; i < 40; i++) body += `line ${i} ${'x'.repeat(3 * i)}\n`;
  // The talk's recipient mistakes, a long line that wraps, and a body that scrolls.
  await message.fill('From: chris@foo.edu\nTo: "Mr. Foo" <foo@example.com >\nCc:\n' +
    `Subject: ${'long words '.repeat(30)}\n\n${body}${'y'.repeat(1200)}\nend\n`);
  await page.getByRole('list', { name: 'Diagnostics' }).getByRole('listitem')
    .filter({ hasText: 'empty-address-field' }).waitFor();
  const layer = page.locator('.validator .layer');
  assert.equal(await layer.getAttribute('aria-hidden'), 'true');
  // Each line with findings is a block tinted by its worst severity; the span is marked.
  const to = layer.locator(':scope > .warning', { hasText: 'Mr. Foo' });
  assert.equal(await to.innerText(), 'To: "Mr. Foo" <foo@example.com >');
  assert.equal(await to.locator('mark.warning').innerText(), ' ');
  // Across: the marked space starts where the textarea's font puts the 30 characters
  // before it (measured on a canvas in the textarea's own font).
  const across = await page.evaluate(() => {
    const area = document.querySelector('.validator textarea');
    const layer = document.querySelector('.validator .layer');
    const mark = [...layer.querySelectorAll('mark.warning')].find((m) => m.textContent === ' ');
    const style = getComputedStyle(area);
    const ctx = document.createElement('canvas').getContext('2d');
    ctx.font = style.font;
    const want = area.getBoundingClientRect().left + parseFloat(style.borderLeftWidth) +
      parseFloat(style.paddingLeft) + ctx.measureText('To: "Mr. Foo" <foo@example.com').width;
    return Math.abs(mark.getBoundingClientRect().left - want);
  });
  assert.ok(across < 1, `the marked space is ${across}px off`);
  assert.equal(await layer.locator(':scope > .error').first().innerText(), 'Cc:');
  assert.equal(await layer.locator('mark.error', { hasText: 'yyy' }).count(), 1, 'line-too-long marks past octet 998');
  const geometry = () => page.evaluate(() => {
    const area = document.querySelector('.validator textarea');
    const layer = document.querySelector('.validator .layer');
    const cc = layer.querySelector(':scope > .error');
    const style = getComputedStyle(area);
    // Where the textarea draws its third line (Cc:), and where the layer's Cc: block is.
    const line3 = area.getBoundingClientRect().top + parseFloat(style.borderTopWidth) +
      parseFloat(style.paddingTop) + 2 * parseFloat(style.lineHeight) - area.scrollTop;
    return { area: [area.scrollHeight, area.scrollTop, area.clientWidth],
      layer: [layer.scrollHeight, layer.scrollTop, layer.clientWidth],
      offset: Math.abs(cc.getBoundingClientRect().top - line3) };
  });
  // The layer follows the textarea's scrolling (the fill left it scrolled to the caret).
  const aligned = () => page.waitForFunction(() => {
    const area = document.querySelector('.validator textarea');
    return document.querySelector('.validator .layer').scrollTop === area.scrollTop;
  });
  await aligned();
  let g = await geometry();
  // Same wrapping (same height and width) and the Cc: line where the textarea has it.
  assert.deepEqual(g.layer, g.area);
  assert.ok(g.area[0] > 2 * (await message.evaluate((el) => el.clientHeight)), 'the text scrolls');
  assert.ok(g.offset < 1, `Cc: block ${g.offset}px off its line`);
  assert.equal(await message.evaluate((el) => { el.scrollTop = 300; return el.scrollTop; }), 300);
  await page.waitForFunction(() => document.querySelector('.validator .layer').scrollTop === 300);
  g = await geometry();
  assert.deepEqual(g.layer, g.area);
  assert.ok(g.offset < 1, `Cc: block ${g.offset}px off its line after scrolling`);
  // While the text is ahead of the report, the marks are hidden; they return with it.
  const staleAtOnce = await message.evaluate((el) => {
    el.value += '!';
    el.dispatchEvent(new InputEvent('input', { bubbles: true }));
    return document.querySelector('.validator .editor').classList.contains('stale');
  });
  assert.ok(staleAtOnce, 'hidden as soon as the text changes');
  await page.waitForFunction(() => !document.querySelector('.validator .editor').classList.contains('stale'));
  assert.ok((await layer.textContent()).endsWith('end\n!'), 'the layer holds the new text');
  assert.deepEqual(errors, []);
  await page.close();
});

test('validator: a message file, opened or dropped, is checked as its own bytes (bare LF, 8-bit), which a paste cannot carry', async (t) => {
  const { page, errors } = await openPlayground(browser);
  if (!await validatorOrSkip(t, page)) { await page.close(); return; }
  // LF line endings and a raw Shift_JIS subject ("日本" is 0x93FA 0x967B).
  const bytes = Buffer.concat([Buffer.from('From: a@foo.example\nTo: b@foo.example\nDate: Thu, 26 Oct 2023 00:07:56 +0900\n' +
    'Message-ID: <1@foo.example>\nSubject: '), Buffer.from([0x93, 0xfa, 0x96, 0x7b]), Buffer.from('\n\nhi\n')]);
  await page.getByLabel(/Open a message file/).setInputFiles({ name: 'lf.eml', mimeType: 'message/rfc822', buffer: bytes });
  const list = page.getByRole('list', { name: 'Diagnostics' });
  const bareLf = list.getByRole('listitem').filter({ hasText: 'bare-lf' });
  await bareLf.waitFor();
  assert.match(await bareLf.innerText(), /1:20/);
  // The line break itself is what is wrong: marked at the end of line 1.
  const eol = page.locator('.validator .layer > .error mark.eol');
  assert.equal(await eol.count(), 1);
  assert.match(await eol.locator('xpath=..').innerText(), /^From: a@foo\.example/);
  await list.getByRole('listitem').filter({ hasText: 'invalid-utf8' }).waitFor();
  assert.match(await page.locator('.validator .notice').innerText(), /not UTF-8/);
  const message = page.getByRole('textbox', { name: 'Message', exact: true });
  assert.equal(await message.inputValue(), 'From: a@foo.example\nTo: b@foo.example\nDate: Thu, 26 Oct 2023 00:07:56 +0900\n' +
    'Message-ID: <1@foo.example>\nSubject: \ufffd\ufffd\ufffd{\n\nhi\n');
  // Dropped on the editor: opened the same way (a dropped file must not replace the page).
  const handled = await page.locator('.validator .editor').evaluate((el) => {
    const dt = new DataTransfer();
    dt.items.add(new File(['From: c@foo.example\r\nSubject: dropped\r\n\r\nhi\r\n'], 'drop.eml'));
    // dispatchEvent is false when the page cancelled the browser's own handling.
    return [el.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true })),
      el.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }))];
  });
  assert.deepEqual(handled, [false, false], 'the page takes the file, the browser does not open it');
  await list.getByRole('listitem').filter({ hasText: 'missing-date' }).waitFor();
  assert.equal(await list.getByText('bare-lf').count(), 0);
  assert.equal(await message.inputValue(), 'From: c@foo.example\nSubject: dropped\n\nhi\n');
  // Too large for the page: said, and the message shown stays.
  await page.getByLabel(/Open a message file/).setInputFiles({ name: 'big.eml', mimeType: 'message/rfc822',
    buffer: Buffer.alloc(2 * 1024 * 1024 + 1, 'a') });
  const alert = page.locator('.validator').getByRole('alert');
  assert.match(await alert.innerText(), /mailroom lint/);
  assert.equal(await message.inputValue(), 'From: c@foo.example\nSubject: dropped\n\nhi\n');
  // The same refusal again is a new alert (announced again), not the old one left standing.
  await alert.evaluate((el) => { el.dataset.seen = '1'; });
  await page.getByLabel(/Open a message file/).setInputFiles({ name: 'big.eml', mimeType: 'message/rfc822',
    buffer: Buffer.alloc(2 * 1024 * 1024 + 1, 'a') });
  await page.waitForFunction(() => {
    const a = document.querySelector('.validator [role=alert]');
    return a !== null && !a.dataset.seen;
  });
  // A file dropped elsewhere on the panel is taken too (not opened by the browser).
  const elsewhere = await page.locator('.validator .summary').evaluate((el) => {
    const dt = new DataTransfer();
    dt.items.add(new File(['Subject: x\r\n\r\n'], 'x.eml'));
    return el.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  assert.equal(elsewhere, false);
  await page.waitForFunction(() => document.querySelector('.validator textarea').value === 'Subject: x\n\n');
  // Outside the panel a file drop is cancelled too: the browser would open the file in
  // place of the page, and the session in it would be gone. Text drops are left alone.
  const outside = await page.evaluate(() => ['.mailboxes', 'main', 'body'].map((sel) => {
    const dt = new DataTransfer();
    dt.items.add(new File(['Subject: y\r\n\r\n'], 'y.eml'));
    const el = document.querySelector(sel);
    return [el.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true })),
      el.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }))];
  }));
  assert.deepEqual(outside, [[false, false], [false, false], [false, false]]);
  const text = await page.evaluate(() => {
    const dt = new DataTransfer();
    dt.setData('text/plain', 'hello');
    return document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  assert.equal(text, true);
  assert.deepEqual(errors, []);
  await page.close();
});

test('validator: ISO-2022-JP-2 (RFC 1554) reads with the browser\'s decoders, single-shifted Latin-1 included', async (t) => {
  const { page, errors } = await openPlayground(browser);
  if (!await validatorOrSkip(t, page)) { await page.close(); return; }
  const message = page.getByRole('textbox', { name: 'Message', exact: true });
  const esc = '\u001b';
  // Subject: "テスト caf" + ESC . A (ISO-8859-1 to G2) + ESC N "i" (é); the body adds
  // Chinese (GB 2312) between Japanese and Latin-1.
  await message.fill([
    'From: a@example.com', 'To: b@example.com',
    'Subject: =?ISO-2022-JP-2?B?GyRCJUYlOSVIGyhCIGNhZhsuQRtOaQ==?=',
    'Date: Thu, 26 Oct 2023 00:07:56 +0900', 'Message-ID: <1@example.com>',
    'MIME-Version: 1.0', 'Content-Type: text/plain; charset=ISO-2022-JP-2', '',
    `${esc}$B$3$s$K$A$O${esc}(B ${esc}$A<r${esc}(B caf${esc}.A${esc}Ni`, '',
  ].join('\n'));
  const summary = page.locator('.validator .summary');
  await summary.waitFor();
  assert.match(await summary.innerText(), /^0 errors · 0 warnings/);
  await page.locator('.validator details summary', { hasText: 'Header fields (decoded)' }).click();
  const subject = page.locator('.validator table.headers tr', { hasText: 'Subject' });
  assert.equal(await subject.locator('.decoded').innerText(), 'テスト café');
  // The value as written is on the page too, not only in a tooltip.
  assert.equal(await subject.locator('.raw code').innerText(), '=?ISO-2022-JP-2?B?GyRCJUYlOSVIGyhCIGNhZhsuQRtOaQ==?=');
  // And the body as a reader sees it: the text part decoded.
  await page.locator('.validator details summary', { hasText: 'MIME structure' }).click();
  await page.locator('.validator .part-text summary', { hasText: 'Decoded text' }).click();
  assert.equal((await page.locator('.validator .part-text pre').innerText()).trimEnd(), 'こんにちは 简 café');
  // One slip (an unknown escape sequence) is reported where it is.
  await message.fill(`Content-Type: text/plain; charset=ISO-2022-JP-2\n\nok ${esc}$Zx\n`);
  const slip = page.getByRole('list', { name: 'Diagnostics' }).getByRole('listitem').filter({ hasText: 'charset-decode-error' });
  await slip.waitFor();
  assert.match(await slip.innerText(), / 3:4 /);
  assert.deepEqual(errors, []);
  await page.close();
});

test('validator in Japanese: findings, hints, counts and the decoded view', async (t) => {
  const { page, errors } = await openPlayground(browser, '?lang=ja');
  if (!await validatorOrSkip(t, page)) { await page.close(); return; }
  // The controls' accessible names are Japanese too.
  const message = page.getByRole('textbox', { name: 'メッセージ', exact: true });
  // The talk's message without Date, with a Japanese encoded-word subject.
  await message.fill('From: chris@foo.edu\nSubject: =?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?=\nMessage-ID: <1@foo.edu>\n\nhello\n');
  const summary = page.locator('.validator .summary');
  await summary.waitFor();
  assert.equal(await summary.innerText(), 'エラー 1 件 · 警告 0 件 · 情報 0 件');
  const missingDate = page.getByRole('list', { name: '診断結果' }).getByRole('listitem').filter({ hasText: 'missing-date' });
  await page.getByRole('log', { name: 'やり取りの記録' }).waitFor();
  await page.getByRole('textbox', { name: 'コマンド' }).waitFor();
  assert.match(await missingDate.innerText(), /Date: フィールドがありません[\s\S]*Date: フィールドを追加してください/);
  await page.locator('.validator details summary', { hasText: 'ヘッダーフィールド（デコード済み）' }).click();
  const subject = page.locator('.validator table.headers tr', { hasText: 'Subject' });
  assert.equal(await subject.locator('.decoded').innerText(), 'テスト');
  assert.equal(await subject.locator('.raw').innerText(), '元の表記：=?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?=');
  assert.deepEqual(errors, []);
  await page.close();
});

test('validator: a delivered message opens with its envelope; markup stays text', async (t) => {
  const { page, errors } = await openPlayground(browser);
  if (!await validatorOrSkip(t, page)) { await page.close(); return; }
  const evil = '<img src=x onerror="window.__xss=1">';
  await paste(page, 'EHLO c.example\nMAIL FROM:<a@b.example>\nRCPT TO:<c@d.example>\nDATA');
  await page.getByRole('textbox', { name: 'Message data' }).fill(`From: a@b.example\nTo: other@d.example\nSubject: ${evil}\n\nhi`);
  await page.getByRole('button', { name: 'Send and end with "."' }).click();
  const mail = page.locator('.mailboxes .message').first();
  await mail.locator('summary').click();
  await mail.getByRole('button', { name: 'Validate' }).click();
  const message = page.getByRole('textbox', { name: 'Message', exact: true });
  assert.match(await message.inputValue(), /^Return-Path: <a@b\.example>/);
  await page.locator('table.compare').getByText('c@d.example').waitFor();
  await page.getByRole('list', { name: 'Diagnostics' }).getByText('envelope-header-mismatch').first().waitFor();
  await message.fill(`Subject: ${evil}\n\n${evil}`);
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  assert.equal(await page.locator('main img').count(), 0);
  // Another message now: its reader drops the delivery's envelope, and keeps the text.
  await page.getByRole('button', { name: 'Check without this envelope' }).click();
  await page.locator('table.compare').waitFor({ state: 'detached' });
  await page.locator('.validator .summary').waitFor();
  assert.equal(await page.getByRole('list', { name: 'Diagnostics' }).getByText('envelope-header-mismatch').count(), 0);
  assert.equal((await message.inputValue()).trimEnd(), `Subject: ${evil}\n\n${evil}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('compose: Japanese subject, Bcc only in the envelope, played step by step', async (t) => {
  const { page, errors } = await openPlayground(browser);
  if (!await validatorOrSkip(t, page)) { await page.close(); return; }
  await page.getByRole('textbox', { name: 'Bcc' }).fill('secret@bar.com');
  await page.getByRole('button', { name: 'Build and send step by step' }).click();
  const next = page.getByRole('button', { name: 'Next step' });
  while (await next.count() > 0) await next.click();
  const log = page.getByRole('log', { name: 'Transcript' });
  await log.getByText('RCPT TO:<secret@bar.com>').waitFor();
  const text = await log.innerText();
  assert.match(text, /Subject: =\?UTF-8\?B\?/);
  assert.doesNotMatch(text, /^C:\s*Bcc:/m);
  assert.equal((await page.locator('.mailboxes .message').count()) >= 1, true);
  assert.deepEqual(errors, []);
  await page.close();
});

test('keyboard only: quick buttons, reply explanations and the DATA editor work without a mouse', async () => {
  const { page, errors } = await openPlayground(browser);
  const command = page.getByRole('textbox', { name: 'Command' });
  await command.focus();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'EHLO');
  await page.keyboard.press('Enter');
  assert.equal(await command.inputValue(), 'EHLO client.example');
  await page.keyboard.press('Enter');
  const log = page.getByRole('log', { name: 'Transcript' });
  await log.getByText('250 SIZE').waitFor();
  const summary = log.locator('details.server summary').last();
  await summary.focus();
  await page.keyboard.press('Enter');
  assert.equal(await log.locator('details.server').last().getAttribute('open'), '');
  await command.focus();
  for (const l of ['MAIL FROM:<a@b.example>', 'RCPT TO:<c@d.example>', 'DATA']) {
    await page.keyboard.type(l);
    await page.keyboard.press('Enter');
  }
  const data = page.getByRole('textbox', { name: 'Message data' });
  await data.focus();
  await page.keyboard.type('Subject: keys\n\nhello');
  await page.keyboard.press('Control+Enter');
  await log.getByText('250 OK').last().waitFor();
  assert.equal(await data.count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('bad input: every corpus message, opened as a file (its bytes as they are), loads in the validator without a page error', async (t) => {
  const { readdirSync, readFileSync, statSync } = await import('node:fs');
  const { join } = await import('node:path');
  const root = process.env.CORPUS ?? '/work/shared/corpus';
  const files = [];
  const walk = (d) => { for (const f of readdirSync(d)) { const p = join(d, f); if (statSync(p).isDirectory()) walk(p); else if (p.endsWith('.eml')) files.push(p); } };
  try { walk(root); } catch { t.skip(`no corpus at ${root}`); return; }
  const { page, errors } = await openPlayground(browser);
  if (!await validatorOrSkip(t, page)) { await page.close(); return; }
  const open = page.getByLabel(/Open a message file/);
  const status = page.locator('.validator .summary');
  for (const f of files) {
    const bytes = readFileSync(f);
    await open.setInputFiles({ name: 'm.eml', mimeType: 'message/rfc822', buffer: bytes });
    // The editor shows the bytes as lossy UTF-8 with each line break as LF.
    const shown = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes).replace(/\r\n?/g, '\n');
    await page.waitForFunction((v) => document.querySelector('.validator textarea').value === v, shown);
    if (bytes.length > 0) await status.waitFor();
  }
  console.log(`# corpus: ${files.length} messages`);
  assert.ok(files.length > 50);
  assert.deepEqual(errors, []);
  await page.close();
});

test('internationalized domains are checked by the browser IDNA (UTS 46) the core is given', async () => {
  const { page, errors } = await openPlayground(browser);
  await page.getByRole('combobox', { name: 'Profile' }).selectOption('gmail');
  await page.getByRole('button', { name: 'Apply and restart' }).click();
  const log = page.getByRole('log', { name: 'Transcript' });
  const command = page.getByRole('textbox', { name: 'Command' });
  for (const line of ['EHLO client.example', 'MAIL FROM:<taro@例え.jp> SMTPUTF8', 'RSET',
    // a label may not start with a combining mark (UTS 46 4.1, V5; IDNA2008 likewise)
    'MAIL FROM:<taro@\u0301b.example> SMTPUTF8']) {
    await command.fill(line);
    await command.press('Enter');
  }
  await log.getByText('not valid IDNA').waitFor();
  const text = await log.innerText();
  assert.match(text, /MAIL FROM:<taro@例え\.jp> SMTPUTF8\s+S:\s*ok\s*250 2\.1\.0/, 'a valid IDN is accepted');
  assert.match(text, /501 5\.1\.7 .*not valid IDNA/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('user work is kept: commas typed in Compose, an open explanation as lines arrive, the focus after DATA', async (t) => {
  const { page, errors } = await openPlayground(browser);
  // Typing a second address: the comma stays while it is typed.
  const to = page.getByRole('textbox', { name: 'To', exact: true });
  if (await to.count() === 0) { t.skip('built without the compose form'); await page.close(); return; }
  await to.fill('');
  await to.pressSequentially('pat@bar.com, jones@bar.com');
  assert.equal(await to.inputValue(), 'pat@bar.com, jones@bar.com');
  await page.getByRole('button', { name: 'Build and validate' }).click();
  const message = page.getByRole('textbox', { name: 'Message', exact: true });
  await page.waitForFunction(() => /To: pat@bar\.com, jones@bar\.com/.test(document.querySelector('textarea[aria-label=Message]')?.value ?? ''));

  // An opened explanation stays with its reply when more lines arrive (keyed entries).
  await send(page, 'EHLO c.example');
  const log = page.getByRole('log', { name: 'Transcript' });
  const ehlo = log.locator('details').filter({ hasText: '250-foo.edu' }).first();
  await ehlo.locator('summary').click();
  assert.equal(await ehlo.getAttribute('open'), '');
  const before = await log.locator('details').count();
  await send(page, 'NOOP');
  await page.waitForFunction((n) => document.querySelectorAll('.transcript details').length > n, before);
  assert.equal(await log.locator('details[open]').count(), 1);
  assert.match(await log.locator('details[open]').innerText(), /250-foo\.edu/);

  // After the data is sent, the keyboard is back on the command line.
  await send(page, 'MAIL FROM:<a@b.example>');
  await send(page, 'RCPT TO:<c@d.example>');
  await send(page, 'DATA');
  const data = page.getByRole('textbox', { name: 'Message data' });
  await data.fill('Subject: hi\n\nhello');
  await data.press('Control+Enter');
  await page.waitForFunction(() => document.activeElement?.getAttribute('aria-label') === 'Command');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a 375 px wide screen has no sideways scrolling, in English and Japanese', async () => {
  const { page, errors } = await openPlayground(browser);
  await page.setViewportSize({ width: 375, height: 800 });
  // The validator's tables and MIME tree open, with a long attachment name in them.
  const message = page.getByRole('textbox', { name: 'Message', exact: true });
  if (await message.count() > 0) {
    await message.fill('From: a@b.example\nTo: c@d.example\nSubject: report\nDate: Thu, 26 Oct 2023 00:07:56 +0900\nMessage-ID: <1@b.example>\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Type: text/plain\n\nsee attached\n--b\nContent-Type: application/pdf; name="Quarterly_Report_2023_Q3_Final_Version.pdf"\nContent-Transfer-Encoding: base64\n\nJVBERi0=\n--b--\n');
    await page.locator('.validator .summary').waitFor();
    await page.locator('.validator details').evaluateAll((ds) => ds.forEach((d) => { d.open = true; }));
    // A field name is not broken inside a word (it was "Content-Typ|e" at this width).
    const lines = await page.locator('.validator table.headers th').evaluateAll((ths) =>
      ['Subject', 'Content-Type'].map((n) => {
        const r = document.createRange();
        r.selectNodeContents(ths.find((t) => t.textContent === n));
        return r.getClientRects().length;
      }));
    assert.deepEqual(lines, [1, 1]);
  }
  for (const lang of ['en', 'ja']) {
    if (lang === 'ja') await page.locator('button.lang').click();
    await page.waitForTimeout(100);
    const [sw, cw] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    assert.ok(sw <= cw, `${lang}: scrollWidth ${sw} > ${cw}`);
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test('validator: a delivered message keeps its envelope comparison across a reload', async (t) => {
  const { page, errors } = await openPlayground(browser);
  if (!await validatorOrSkip(t, page)) { await page.close(); return; }
  await paste(page, 'EHLO c.example\nMAIL FROM:<a@b.example>\nRCPT TO:<c@d.example>\nDATA');
  await page.getByRole('textbox', { name: 'Message data' }).fill('From: a@b.example\nTo: other@d.example\nSubject: x\n\nhi');
  await page.getByRole('button', { name: 'Send and end with "."' }).click();
  const mail = page.locator('.mailboxes .message').first();
  await mail.locator('summary').click();
  await mail.getByRole('button', { name: 'Validate' }).click();
  await page.locator('table.compare').getByText('c@d.example').waitFor();
  await page.waitForTimeout(800); // the autosave runs ~400 ms after a change
  await page.reload();
  await page.locator('table.compare').getByText('c@d.example').waitFor();
  await page.getByRole('list', { name: 'Diagnostics' }).getByText('envelope-header-mismatch').first().waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});
