// Loads the app. A file of our own instead of Trunk's injected inline loader, so the
// Content-Security-Policy can forbid inline scripts (Trunk.toml: inject_scripts = false,
// filehash = false, which keeps these two names stable).
import init from './mailroom-web.js';

init({ module_or_path: new URL('./mailroom-web_bg.wasm', import.meta.url) }).catch((e) => {
  const div = document.createElement('div');
  div.className = 'crash';
  div.setAttribute('role', 'alert');
  div.textContent = 'Mailroom could not start (WebAssembly failed to load): ' + e;
  document.body.prepend(div);
});

// A file dropped anywhere but on the validator (which opens it) must not replace the page,
// and the session in it, with the file: the browser's default for a drop.
for (const type of ['dragover', 'drop']) {
  addEventListener(type, (e) => {
    if (!e.dataTransfer || !Array.from(e.dataTransfer.types).includes('Files')) return;
    e.preventDefault();
    // The pointer says that nothing happens here (the validator sets its own).
    if (!e.target.closest?.('.validator')) e.dataTransfer.dropEffect = 'none';
  });
}
