//! Share and export: a permalink, the session as a test fixture, the transcript as text,
//! Markdown or JSON. What was made is also shown in a read-only field (the clipboard may
//! be refused; the text is never lost).

use crate::export;
use crate::i18n::{Lang, T};
use crate::saved::Saved;
use crate::state::Playground;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub playground: UseReducerHandle<Playground>,
    pub lang: Lang,
    /// The validator's current text (kept by the app, not a render input).
    pub validator_text: Rc<RefCell<String>>,
}

/// The whole state a link or the autosave holds.
pub fn saved_state(p: &Playground, validator: &str, lang: Lang) -> (Saved, bool) {
    let (mut saved, complete) = match p.saved() {
        Some(s) => (s, true),
        None => (p.saved_settings(), false),
    };
    saved.validator = (!validator.is_empty()).then(|| validator.to_owned());
    saved.lang = Some(lang);
    (saved, complete)
}

#[function_component(SharePanel)]
pub fn share_panel(props: &Props) -> Html {
    let lang = props.lang;
    // (what the output field shows, the status line)
    let output = use_state(|| None::<(String, T)>);
    // (the status is kept as a label, so it follows a language switch)

    let copy_link = {
        let (p, output, text) = (
            props.playground.clone(),
            output.clone(),
            props.validator_text.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (saved, complete) = saved_state(&p, &text.borrow(), lang);
            let output = output.clone();
            yew::platform::spawn_local(async move {
                match crate::link::url_for(&saved).await {
                    Ok(url) => {
                        copy_to_clipboard(&url);
                        let status = if complete {
                            T::LinkReady
                        } else {
                            T::LinkSettingsOnly
                        };
                        output.set(Some((url, status)));
                    }
                    Err(e) => output.set(Some((e, T::LinkSettingsOnly))),
                }
            });
        })
    };
    let copy_fixture = {
        let (p, output) = (props.playground.clone(), output.clone());
        Callback::from(move |_: MouseEvent| match p.fixture() {
            Some(f) => {
                copy_to_clipboard(&f);
                output.set(Some((f, T::FixtureReady)));
            }
            None => output.set(Some((String::new(), T::FixtureTooLarge))),
        })
    };
    let download = |kind: &'static str| {
        let p = props.playground.clone();
        Callback::from(move |_: MouseEvent| {
            let (body, mime) = match kind {
                "txt" => (export::text(&p.transcript, lang), "text/plain"),
                "md" => {
                    let server = p.session.config().profile.clone().unwrap_or_default();
                    (
                        export::markdown(&p.transcript, lang, &server),
                        "text/markdown",
                    )
                }
                _ => (
                    json(&export::records(&p.transcript, lang)),
                    "application/json",
                ),
            };
            save_file(&format!("mailroom-session.{kind}"), &body, mime);
        })
    };
    html! {
        <section class="panel share" aria-labelledby="share-title">
            <h2 id="share-title">{ T::Share.get(lang) }</h2>
            <div class="actions">
                <button type="button" onclick={copy_link}>{ T::CopyLink.get(lang) }</button>
                <button type="button" onclick={copy_fixture}>{ T::CopyFixture.get(lang) }</button>
                <button type="button" onclick={download("txt")}>{ T::DownloadText.get(lang) }</button>
                <button type="button" onclick={download("md")}>{ T::DownloadMarkdown.get(lang) }</button>
                <button type="button" onclick={download("json")}>{ T::DownloadJson.get(lang) }</button>
            </div>
            if let Some((text, status)) = &*output {
                <p class="small" role="status">{ status.get(lang) }</p>
                if !text.is_empty() {
                    <textarea class="export" aria-label={ T::ExportOutput.get(lang) } readonly=true
                        rows="4" value={ text.clone() } />
                }
            }
        </section>
    }
}

/// The records as a JSON array, by the browser's JSON.stringify (no serializer in the bundle).
fn json(records: &[export::Record]) -> String {
    use wasm_bindgen::JsValue;
    let array = js_sys::Array::new();
    for r in records {
        let o = js_sys::Object::new();
        let set = |k: &str, v: JsValue| {
            let _ = js_sys::Reflect::set(&o, &k.into(), &v);
        };
        set("kind", r.kind.into());
        set("text", r.text.as_str().into());
        if let Some(c) = r.code {
            set("code", f64::from(c).into());
        }
        for (k, v) in [
            ("rule", r.rule),
            ("rfc", r.rfc),
            ("explanation", r.explanation),
        ] {
            if let Some(v) = v {
                set(k, v.into());
            }
        }
        array.push(&o);
    }
    js_sys::JSON::stringify_with_replacer_and_space(&array, &JsValue::NULL, &2.into())
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| "[]".into())
}

fn copy_to_clipboard(text: &str) {
    if let Some(w) = web_sys::window() {
        let promise = w.navigator().clipboard().write_text(text);
        // May be refused (no permission, not focused): the text is shown as well, so the
        // refusal is handled here rather than left as an unhandled rejection.
        yew::platform::spawn_local(async move {
            let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
        });
    }
}

/// Offers `body` as a file download (a Blob URL and a temporary link).
fn save_file(name: &str, body: &str, mime: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let parts = js_sys::Array::of1(&body.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Ok(a) = document.create_element("a") {
        if let Ok(a) = a.dyn_into::<web_sys::HtmlAnchorElement>() {
            a.set_href(&url);
            a.set_download(name);
            a.click();
        }
    }
    // Freed once the browser has surely started the download.
    crate::page::after(60_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
}
