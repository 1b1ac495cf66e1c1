//! Permalinks and autosave in the browser: the [`Saved`] text deflated into the URL
//! fragment (`#state=` + base64url), or kept as text in localStorage.

use crate::saved::{LoadError, Saved};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(module = "/src/compress.js")]
extern "C" {
    fn deflate(bytes: &[u8]) -> js_sys::Promise;
    fn inflate(bytes: &[u8]) -> js_sys::Promise;
}

const FRAGMENT: &str = "#state=";
const STORAGE_KEY: &str = "mailroom:autosave";
/// The most the autosave writes (localStorage holds about 5 MB per site).
pub const AUTOSAVE_CAP: usize = 1024 * 1024;

async fn bytes_of(p: js_sys::Promise) -> Result<Vec<u8>, String> {
    let v = JsFuture::from(p).await.map_err(|e| format!("{e:?}"))?;
    Ok(js_sys::Uint8Array::new(&v).to_vec())
}

/// The full playground's URL with the state in the fragment.
pub async fn url_for(saved: &Saved) -> Result<String, String> {
    let packed = bytes_of(deflate(saved.to_text().as_bytes())).await?;
    // The full playground: no query (embed, present, lang); the state says the rest.
    let base = web_sys::window()
        .and_then(|w| {
            let l = w.location();
            Some(format!("{}{}", l.origin().ok()?, l.pathname().ok()?))
        })
        .unwrap_or_default();
    Ok(format!(
        "{base}{FRAGMENT}{}",
        URL_SAFE_NO_PAD.encode(packed)
    ))
}

/// The state in this page's fragment: `None` without one.
pub async fn from_fragment() -> Option<Result<Saved, LoadError>> {
    let hash = web_sys::window()?.location().hash().ok()?;
    let data = hash.strip_prefix(FRAGMENT)?;
    Some(decode(data).await)
}

async fn decode(data: &str) -> Result<Saved, LoadError> {
    let corrupt = |m: &str| LoadError::Corrupt(m.to_owned());
    let packed = URL_SAFE_NO_PAD
        .decode(data.trim_end_matches('='))
        .map_err(|_| corrupt("the link's data is not base64url"))?;
    let text = bytes_of(inflate(&packed))
        .await
        .map_err(|_| corrupt("the link's data does not inflate (truncated, or over 4 MB)"))?;
    let text = String::from_utf8(text).map_err(|_| corrupt("not UTF-8"))?;
    Saved::from_text(&text)
}

/// Drops the fragment (after it was read, or when it could not be).
pub fn clear_fragment() {
    if let Some(w) = web_sys::window() {
        if let Ok(h) = w.history() {
            let href = w.location().href().unwrap_or_default();
            let base = href.split('#').next().unwrap_or_default().to_owned();
            let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(&base));
        }
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The autosaved state: `None` when there is none.
pub fn autosaved() -> Option<Result<Saved, LoadError>> {
    let text = storage()?.get_item(STORAGE_KEY).ok().flatten()?;
    Some(Saved::from_text(&text))
}

/// Saves what fits the cap: everything, else without the session's writes, else the
/// settings alone (never an older, larger save left in place).
pub fn autosave(saved: &Saved) -> bool {
    let lighter = [
        saved.clone(),
        Saved {
            writes: Vec::new(),
            ..saved.clone()
        },
        Saved {
            writes: Vec::new(),
            validator: None,
            validator_envelope: None,
            ..saved.clone()
        },
    ];
    let Some(text) = lighter
        .iter()
        .map(Saved::to_text)
        .find(|t| t.len() <= AUTOSAVE_CAP)
    else {
        reset_autosave();
        return false;
    };
    storage().is_some_and(|s| s.set_item(STORAGE_KEY, &text).is_ok())
}

/// Forgets the autosave (it could not be read).
pub fn reset_autosave() {
    if let Some(s) = storage() {
        let _ = s.remove_item(STORAGE_KEY);
    }
}
