// The JS API module (crates/js, built into dist/api/) in real Chromium: the example page,
// and the module driven directly.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage } from './browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('the runnable example page shows a dialogue and lint diagnostics', async () => {
  const { page, errors } = await openPage(browser, 'api-example.html');
  const dialogue = page.getByLabel('Dialogue');
  await page.waitForFunction(() => !document.getElementById('dialogue').textContent.startsWith('loading'));
  const text = await dialogue.innerText();
  assert.match(text, /^S: 220 foo\.edu SMTP server ready\nC: EHLO client\.example\nS: 250-foo\.edu/);
  assert.match(text, /\(Greeted -> MailFrom, RFC 5321 [\d.]+\)/);
  assert.match(text, /state: RcptTo; profiles: gmail, microsoft/);
  const lint = await page.getByLabel('Lint result').innerText();
  assert.match(lint, /error\[missing-date\]/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the module: sessions with options, bytes in, events out; lint with an envelope; clear errors', async () => {
  const { page, errors } = await openPage(browser, 'api-example.html');
  const r = await page.evaluate(async () => {
    const m = await import('./api/mailroom.js');
    await m.default();
    const s = new m.Session({ lmtp: true, config: { hostname: 'lmtp.example' }, now: 0 });
    const greeting = s.output().wire;
    const batch = s.feed(new TextEncoder().encode('LHLO a\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<pat@foo.edu>\r\nRCPT TO:<pat@foo.edu>\r\nDATA\r\n'), 5000);
    const data = s.feed('Subject: x\r\n\r\nhi\r\n.\r\n');
    const delivered = data.events.find((e) => e.type === 'delivered');
    const lint = m.lint('From: a@b.example\r\nTo: x@y.example\r\nSubject: s\r\nDate: Fri, 27 Nov 2026 10:00:00 +0000\r\n\r\n\u00e9\r\n',
      { envelope: { mail_from: 'a@b.example', rcpt_to: ['z@y.example'] } });
    const errs = [];
    for (const bad of [() => new m.Session({ profile: 'nonesuch' }), () => new m.Session({ colour: 1 }),
      () => new m.Session({ config: { limits: { max_recipients: 'many' } } }), () => s.feed(42),
      () => new m.Session({ profile: 5 }), () => new m.Session({ now: -1 }), () => s.feed('x', NaN),
      () => m.lint('x', { envelope: { mail_form: 'typo' } }),
      () => m.lint('x', { envelope: { rcpt_to: 'c@d.example' } }),
      () => new m.Session({ profile: 'lmtp', config: { profile: 'gmail' } })]) {
      try { bad(); errs.push('no error'); } catch (e) { errs.push(String(e.message ?? e)); }
    }
    // BODY in the SMTP spelling, as a delivery event gives it.
    const body8 = m.lint('Subject: x\r\n\r\nh\xe9\r\n', { envelope: { body: '8BITMIME' } }).diagnostics.map((d) => d.rule);
    // findings_only: the same findings, no decoded view.
    const talk = 'To: "Mr. Foo" <foo@example.com >\r\nCc:\r\nSubject: =?ISO-2022-JP?B?GyRCJDMkcyRLJEEkTxsoQg==?=\r\n\r\nhi\r\n';
    const full = m.lint(talk), only = m.lint(talk, { findings_only: true });
    const findingsOnly = { same: JSON.stringify(full.diagnostics) === JSON.stringify(only.diagnostics),
      rules: only.diagnostics.map((d) => d.rule), headers: only.headers.length, fullHeaders: full.headers.length, mime: only.mime };
    // config.profile picks the profile when the profile option is absent (as in the CLI).
    const viaConfig = new m.Session({ config: { profile: 'gmail' }, now: 0 }).output();
    const gmailGreeting = viaConfig.wire;
    return { body8, findingsOnly, gmailGreeting, greeting, batchWire: batch.wire, dataWire: data.wire, delivered, state: s.state,
      deadline: s.deadline(), rules: lint.diagnostics.map((d) => d.rule), errs,
      hints: s.nextCommands().map((h) => h.verb) };
  });
  assert.equal(r.greeting, '220 lmtp.example LMTP server ready\r\n');
  assert.match(r.batchWire, /250 2\.1\.5 .*\r\n250 2\.1\.5 .*\r\n354 /);
  assert.equal(r.dataWire.split('\r\n').filter((l) => l.startsWith('250 2.1.5')).length, 2, 'LMTP: one reply per RCPT');
  assert.equal(r.delivered.recipients.length, 2);
  assert.match(r.delivered.data, /^Return-Path: <a@b\.example>\r\nReceived: from a/);
  assert.equal(r.state, 'Greeted');
  assert.equal(typeof r.deadline, 'number');
  assert.ok(r.rules.includes('8bit-in-7bit') || r.rules.includes('8bit-without-8bitmime'), r.rules.join());
  assert.ok(r.rules.includes('envelope-header-mismatch'), r.rules.join());
  assert.match(r.errs[0], /unknown profile "nonesuch"/);
  assert.match(r.errs[1], /unknown option "colour"/);
  assert.match(r.errs[2], /^config\.limits\.max_recipients: invalid type/);
  assert.match(r.errs[3], /string or a Uint8Array/);
  assert.match(r.errs[4], /profile: a profile name/);
  assert.match(r.errs[5], /now: a time/);
  assert.match(r.errs[6], /now: a time/);
  assert.match(r.errs[7], /unknown envelope field "mail_form"/);
  assert.match(r.errs[8], /^options\.envelope\.rcpt_to: invalid type/);
  assert.ok(!r.body8.includes('8bit-without-8bitmime'), r.body8.join());
  assert.ok(r.findingsOnly.same, 'findings_only finds the same');
  assert.ok(r.findingsOnly.rules.includes('address-whitespace') && r.findingsOnly.rules.includes('empty-address-field'),
    r.findingsOnly.rules.join());
  assert.equal(r.findingsOnly.fullHeaders, 3);
  assert.equal(r.findingsOnly.headers, 0);
  assert.equal(r.findingsOnly.mime, null);
  assert.match(r.errs[9], /profile and config\.profile name different profiles/);
  assert.match(r.gmailGreeting, /^220 mx\.gmail\.example /);
  assert.ok(r.hints.includes('MAIL'));
  assert.deepEqual(errors, []);
  await page.close();
});
