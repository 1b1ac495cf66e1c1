//! Internationalized domains checked by the browser's own IDNA (UTS 46, in its URL parser):
//! the core's check without the idna crate's tables (about 50 KB gzip of the bundle).

/// Whether `domain` (already LDH-checked by the core) converts to valid A-labels.
pub fn browser_idn_is_valid(domain: &str) -> bool {
    let Ok(url) = web_sys::Url::new(&format!("http://{domain}/")) else {
        return false;
    };
    let host = url.hostname();
    // The URL parser maps and punycodes, but skips STD3 rules and DNS lengths: check those.
    host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}
