// axe-core (npm) on every view of the playground: no serious or critical violation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { launch, BASE_URL, NAMES } from './browser.mjs';

const require = createRequire(import.meta.url);
let browser;
let axeSource;
before(async () => {
  browser = await launch();
  axeSource = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
});
after(async () => { await browser?.close(); });

/// Runs axe in the page (by the DevTools protocol: the page's CSP refuses injected scripts).
async function audit(query, prepare = async () => {}, colorScheme = 'light') {
  const context = await browser.newContext({ colorScheme });
  const page = await context.newPage();
  await page.goto(BASE_URL + query);
  await page.locator('main.app').waitFor();
  await page.waitForTimeout(300);
  await prepare(page);
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  await context.close();
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

async function busy(page) {
  const command = page.getByRole('textbox', { name: NAMES.command });
  for (const line of ['EHLO c.example', 'MAIL FROM:<a@b.example>', 'RCPT TO:<nobody@@x>', 'RCPT TO:<pat@foo.edu>', 'DATA']) {
    await command.fill(line);
    await command.press('Enter');
  }
  await page.getByRole('textbox', { name: NAMES.message }).fill(`Subject: =?UTF-8?B?5pel5pys6Kqe?=\nTo: "Mr. Foo" <foo@example.com >\n\n${'body line\n'.repeat(40)}`);
  await page.waitForTimeout(300);
  // Open the validator's details (decoded headers with the value as written, the MIME
  // tree, then the part's decoded text inside it, long enough to scroll) so they are
  // audited too.
  await page.locator('.validator .summary').waitFor();
  const closed = page.locator('.validator details:not([open]) > summary:visible');
  for (let i = 0; i < 10 && await closed.count() > 0; i++) await closed.first().click();
  await page.locator('.validator .part-text[open] pre').waitFor();
}

const views = [
  ['the full playground, mid-transaction, with diagnostics', '', busy],
  ['the full playground in Japanese, dark', '?lang=ja', busy, 'dark'],
  ['embed: terminal', '?embed=1&view=terminal&scenario=lmtp&step=5'],
  ['embed: validator', '?embed=1&view=validator'],
  ['embed: diagram, dark theme', '?embed=1&view=diagram&scenario=basic&step=2&theme=dark'],
  ['presentation', '?present=1&scenario=basic&step=3'],
];

for (const [name, query, prepare, scheme] of views) {
  test(`axe: ${name}`, async () => {
    const serious = await audit(query, prepare, scheme);
    assert.deepEqual(serious, [], JSON.stringify(serious, null, 1));
  });
}

test('the audit does find a violation when there is one (a planted unlabelled button)', async () => {
  const serious = await audit('', async (page) => {
    await page.evaluate(() => document.querySelector('main').append(document.createElement('button')));
  });
  assert.ok(serious.some((v) => v.id === 'button-name'), JSON.stringify(serious));
});

test('keyboard alone: reach the command line, send a command, start a scenario and step it', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(BASE_URL);
  await page.getByRole('textbox', { name: NAMES.command }).waitFor();
  const focused = () => page.evaluate(() => {
    const el = document.activeElement;
    return `${el?.tagName}:${el?.getAttribute('aria-label') ?? el?.textContent?.trim()}`;
  });
  const tabTo = async (want) => {
    for (let i = 0; i < 60; i++) {
      await page.keyboard.press('Tab');
      if ((await focused()).includes(want)) return;
    }
    assert.fail(`Tab never reached ${want}; last ${await focused()}`);
  };
  await tabTo('INPUT:Command');
  await page.keyboard.type('EHLO keyboard.example');
  await page.keyboard.press('Enter');
  await page.getByRole('log', { name: NAMES.transcript }).getByText('250-foo.edu').waitFor();
  await tabTo('SELECT');
  await page.keyboard.press('ArrowDown');
  await tabTo('BUTTON:Start');
  await page.keyboard.press('Enter');
  // The run appears below the picker; the picker (and the focus on Start) stays.
  await page.locator('.step-count').waitFor();
  assert.match(await focused(), /BUTTON:Start/);
  await tabTo('BUTTON:Next step');
  await page.keyboard.press('Enter');
  await page.locator('.step-count').getByText(/^Step 2 of/).waitFor();
  // The focused control is visibly marked.
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.equal(outline, 'solid');
  await context.close();
});
