//! Pasted text, read without wasm-bindgen's per-character string copy.
//!
//! `DataTransfer::get_data` returns a `String`, which wasm-bindgen fills by a JavaScript loop
//! over the characters: about 60 ms for a 5 MB paste on a slow machine. The browser's
//! TextEncoder does the same in native code, and the bytes then arrive with one memcpy.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    /// `DataTransfer`, with a `getData` that leaves the string on the JavaScript side.
    type Transfer;
    #[wasm_bindgen(method, js_name = getData)]
    fn get_data(this: &Transfer, format: &str) -> js_sys::JsString;

    type TextEncoder;
    #[wasm_bindgen(constructor)]
    fn new() -> TextEncoder;
    #[wasm_bindgen(method)]
    fn encode(this: &TextEncoder, text: &js_sys::JsString) -> js_sys::Uint8Array;
}

/// The plain text of a paste event, if it has any.
pub fn pasted_text(e: &web_sys::Event) -> Option<String> {
    let data = e.dyn_ref::<web_sys::ClipboardEvent>()?.clipboard_data()?;
    let text = data.unchecked_ref::<Transfer>().get_data("text");
    let bytes = TextEncoder::new().encode(&text).to_vec();
    // TextEncoder always writes UTF-8 (a lone surrogate becomes U+FFFD): this cannot fail,
    // and if it ever did the paste is dropped rather than the page.
    String::from_utf8(bytes).ok()
}
