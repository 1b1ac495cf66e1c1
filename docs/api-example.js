// A runnable example of Mailroom's JS API (see crates/js/src/lib.rs for every method).
import init, { Session, lint, profiles } from './api/mailroom.js';

await init();

// A session: feed the client's bytes, read the server's wire output and its events.
const session = new Session({ profile: 'foo-edu' });
const lines = [];
const show = (out) => { for (const l of out.wire.split('\r\n').filter(Boolean)) lines.push(`S: ${l}`); };
show(session.output()); // the greeting
for (const command of ['EHLO client.example', 'MAIL FROM:<chris@foo.edu>', 'RCPT TO:<pat@bar.com>']) {
  lines.push(`C: ${command}`);
  const out = session.feed(command + '\r\n');
  show(out);
  const transition = out.events.find((e) => e.type === 'transition');
  if (transition) lines.push(`   (${transition.from} -> ${transition.to}, ${transition.rfc})`);
}
lines.push(`state: ${session.state}; profiles: ${profiles().map((p) => p.name).join(', ')}`);
document.getElementById('dialogue').textContent = lines.join('\n');

// The linter: text in, diagnostics out (rule, severity, line, column, RFC, messages, hint).
const report = lint('From: a@example.com\r\nSubject: no date\r\n\r\nbody\r\n');
document.getElementById('diagnostics').textContent = report.diagnostics
  .map((d) => `${d.line}:${d.column} ${d.severity}[${d.rule}] ${d.message} (${d.rfc})`)
  .join('\n');
