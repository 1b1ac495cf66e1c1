//! Internationalized domains checked by the browser's own IDNA (UTS 46, in its URL parser):
//! the core's check without the idna crate's tables (about 50 KB gzip of the bundle).

/// Whether `domain` (already LDH-checked by the core) converts to valid A-labels.
pub fn browser_idn_is_valid(domain: &str) -> bool {
    let Ok(url) = web_sys::Url::new(&format!("http://{domain}/")) else {
        return false;
    };
    // The URL parser maps and punycodes but skips STD3 rules and DNS lengths; the core's
    // own domain check applies them to the ASCII result (which never comes back here).
    let host = url.hostname();
    host.is_ascii() && mailroom_smtp::syntax::path::check_domain(&host).is_ok()
}
