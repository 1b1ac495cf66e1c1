// Deflate for permalinks, by the browser's own CompressionStream (no library in the bundle).
// Loaded as a wasm-bindgen snippet: a same-origin module file, allowed by the page's CSP.

// A link inflates to at most this much: a crafted link must not fill the memory.
const MAX_OUT = 4 * 1024 * 1024;

async function pipe(bytes, stream) {
  const reader = new Blob([bytes]).stream().pipeThrough(stream).getReader();
  const parts = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > MAX_OUT) {
      await reader.cancel();
      throw new Error(`more than ${MAX_OUT} bytes`);
    }
    parts.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

export function deflate(bytes) {
  return pipe(bytes, new CompressionStream('deflate-raw'));
}

export function inflate(bytes) {
  return pipe(bytes, new DecompressionStream('deflate-raw'));
}
