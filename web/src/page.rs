//! Small browser-side helpers of the app: timers and frame callbacks, the page's search
//! string, the theme attribute, key handling in presentation mode, and the embed's height
//! messages.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// Runs `f` once after `ms`, not cancellable (its closure is freed once it ran). For timers
/// that are replaced or cancelled, keep a [`Timer`]: dropping one cancels it and frees it.
pub fn after(ms: i32, f: impl FnOnce() + 'static) {
    once(f, |w, f| {
        let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(f, ms);
    });
}

/// Runs `f` once before the next frame is painted (`requestAnimationFrame`).
#[cfg(feature = "validator")]
pub fn before_next_frame(f: impl FnOnce() + 'static) {
    once(f, |w, f| {
        let _ = w.request_animation_frame(f);
    });
}

/// Hands `f`, as a function freed once it ran, to `schedule`.
fn once(f: impl FnOnce() + 'static, schedule: impl FnOnce(&web_sys::Window, &js_sys::Function)) {
    let f = Closure::once_into_js(f);
    if let Some(w) = web_sys::window() {
        schedule(&w, f.unchecked_ref());
    }
}

pub type Timer = gloo_timers::callback::Timeout;

/// The text at `url` (relative to the page), or `None` on any failure.
pub async fn fetch_text(url: &str) -> Option<String> {
    use wasm_bindgen_futures::JsFuture;
    let window = web_sys::window()?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(url))
        .await
        .ok()?
        .dyn_into()
        .ok()?;
    if !response.ok() {
        return None;
    }
    JsFuture::from(response.text().ok()?)
        .await
        .ok()?
        .as_string()
}

/// `location.search`.
pub fn search() -> String {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default()
}

/// An attribute on the `<html>` element (`lang`, `data-theme`); `None` removes it.
pub fn set_root_attribute(name: &str, value: Option<&str>) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = match value {
            Some(v) => root.set_attribute(name, v),
            None => root.remove_attribute(name),
        };
    }
}

/// A keydown listener on the document while the returned guard lives.
pub struct KeyListener(Option<Closure<dyn FnMut(web_sys::KeyboardEvent)>>);

impl KeyListener {
    pub fn new(handler: impl FnMut(web_sys::KeyboardEvent) + 'static) -> KeyListener {
        let closure = Closure::<dyn FnMut(web_sys::KeyboardEvent)>::new(handler);
        let added = web_sys::window().and_then(|w| w.document()).map(|d| {
            d.add_event_listener_with_callback("keydown", closure.as_ref().unchecked_ref())
        });
        KeyListener(added.map(|_| closure))
    }
}

impl Drop for KeyListener {
    fn drop(&mut self) {
        if let (Some(c), Some(d)) = (&self.0, web_sys::window().and_then(|w| w.document())) {
            let _ = d.remove_event_listener_with_callback("keydown", c.as_ref().unchecked_ref());
        }
    }
}

/// Whether a key press is the focused control's own (typing in a field, Space on a button
/// or a disclosure) or a browser shortcut (with a modifier): then it is not a page command.
pub fn not_for_page(e: &web_sys::KeyboardEvent) -> bool {
    if e.alt_key() || e.ctrl_key() || e.meta_key() {
        return true;
    }
    let tag = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .map(|el| el.tag_name())
        .unwrap_or_default();
    match tag.as_str() {
        "INPUT" | "TEXTAREA" | "SELECT" => true,
        "BUTTON" | "SUMMARY" | "A" => e.key() == " ",
        _ => false,
    }
}

/// In an iframe: tells the parent page the document's height whenever it changes
/// (`{type: "mailroom:height", height}`), so the embedding page can size the frame.
pub fn report_height() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Ok(Some(parent)) = window.parent() else {
        return;
    };
    if parent == window {
        return;
    }
    let Some(body) = window.document().and_then(|d| d.body()) else {
        return;
    };
    let root = body;
    let measured = root.clone();
    // The body's own box: unlike the document's scrollHeight it also shrinks when the
    // content does (scrollHeight is never less than the frame's current height).
    let post = Closure::<dyn FnMut()>::new(move || {
        let msg = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&msg, &"type".into(), &"mailroom:height".into());
        let height = f64::from(measured.offset_height());
        let _ = js_sys::Reflect::set(&msg, &"height".into(), &height.into());
        let _ = parent.post_message(&msg, "*");
    });
    if let Ok(observer) = web_sys::ResizeObserver::new(post.as_ref().unchecked_ref()) {
        observer.observe(&root);
    }
    // Lives as long as the page.
    post.forget();
}

/// Opens `url` in a new tab.
pub fn open(url: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.open_with_url_and_target(url, "_blank");
    }
}

/// The browser's confirm dialog (true when there is no window, e.g. in tests).
pub fn confirm(question: &str) -> bool {
    web_sys::window()
        .map(|w| w.confirm_with_message(question).unwrap_or(false))
        .unwrap_or(true)
}

/// Whether keyboard focus fell to the page (the focused control was removed): then a
/// component may move it somewhere useful; otherwise it leaves it where the user put it.
fn focus_lost() -> bool {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return false;
    };
    match doc.active_element() {
        None => true,
        Some(el) => doc.body().is_some_and(|b| {
            let b: &web_sys::Element = b.as_ref();
            b == &el
        }),
    }
}

/// When `now` becomes true (not on the first render: a page or an embed does not grab the
/// focus) and the focused control has gone from the page, focuses `target`: for controls
/// that disappear after they are used (the DATA editor, the last "Next step").
#[yew::hook]
pub fn use_focus_when(now: bool, target: yew::NodeRef) {
    let mounted = yew::use_mut_ref(|| false);
    yew::use_effect_with(now, move |&now| {
        let changed = std::mem::replace(&mut *mounted.borrow_mut(), true);
        if changed && now && focus_lost() {
            if let Some(el) = target.cast::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        }
    });
}
