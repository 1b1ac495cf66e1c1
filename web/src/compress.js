// Deflate for permalinks, by the browser's own CompressionStream (no library in the bundle).
// Loaded as a wasm-bindgen snippet: a same-origin module file, allowed by the page's CSP.

async function pipe(bytes, stream) {
  const out = new Blob([bytes]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(out).arrayBuffer());
}

export function deflate(bytes) {
  return pipe(bytes, new CompressionStream('deflate-raw'));
}

export function inflate(bytes) {
  return pipe(bytes, new DecompressionStream('deflate-raw'));
}
