//! The page: header, language toggle and panels.

#[cfg(feature = "validator")]
use crate::components::compose::ComposePanel;
use crate::components::diagram::Diagram;
use crate::components::envelope::EnvelopePanel;
use crate::components::mailboxes::MailboxesPanel;
use crate::components::scenarios::ScenarioPanel;
use crate::components::settings::SettingsPanel;
use crate::components::share::{saved_state, SharePanel};
use crate::components::terminal::Terminal;
#[cfg(feature = "validator")]
use crate::components::validator::Validator;
use crate::i18n::{Lang, T};
use crate::state::Playground;
use yew::prelude::*;

#[function_component(App)]
pub fn app() -> Html {
    let playground = use_reducer(Playground::default);
    let lang = use_state(initial_lang);
    let l = *lang;
    // The validator's text, for links and the autosave (not a render input); `edits`
    // counts its changes so the autosave runs after them too.
    let validator_text = use_mut_ref(String::new);
    let edits = use_state(|| 0u32);
    let notice = use_state(|| None::<String>);
    // Ready once a link or the autosave was read: saving before would overwrite it.
    let loaded = use_state(|| false);
    {
        let (dispatcher, lang, notice, loaded, text) = (
            playground.dispatcher(),
            lang.clone(),
            notice.clone(),
            loaded.clone(),
            validator_text.clone(),
        );
        use_effect_with((), move |_| {
            yew::platform::spawn_local(async move {
                let found = match crate::link::from_fragment().await {
                    Some(r) => {
                        crate::link::clear_fragment();
                        Some((r, T::LinkBroken))
                    }
                    None => crate::link::autosaved().map(|r| (r, T::AutosaveBroken)),
                };
                match found {
                    Some((Ok(saved), _)) => {
                        if let Some(l) = saved.lang.filter(|_| url_lang().is_none()) {
                            lang.set(l);
                        }
                        *text.borrow_mut() = saved.validator.clone().unwrap_or_default();
                        dispatcher.dispatch(crate::state::Action::Restore(std::rc::Rc::new(saved)));
                    }
                    Some((Err(e), why)) => {
                        if why == T::AutosaveBroken {
                            crate::link::reset_autosave();
                        }
                        notice.set(Some(format!("{} {e}", why.get(*lang))));
                    }
                    None => {}
                }
                loaded.set(true);
            });
        });
    }
    // Autosave, a moment after the last change.
    {
        let (p, text, timer) = (
            playground.clone(),
            validator_text.clone(),
            use_mut_ref(|| None::<i32>),
        );
        use_effect_with(
            (playground.generation, *edits, l, *loaded),
            move |(_, _, l, loaded)| {
                if *loaded {
                    let l = *l;
                    let save = wasm_bindgen::closure::Closure::once_into_js(move || {
                        let (saved, _) = saved_state(&p, &text.borrow(), l);
                        crate::link::autosave(&saved);
                    });
                    if let Some(w) = web_sys::window() {
                        use wasm_bindgen::JsCast;
                        if let Some(id) = timer.borrow_mut().take() {
                            w.clear_timeout_with_handle(id);
                        }
                        *timer.borrow_mut() = w
                            .set_timeout_with_callback_and_timeout_and_arguments_0(
                                save.unchecked_ref(),
                                400,
                            )
                            .ok();
                    }
                }
            },
        );
    }
    let on_validator_text = {
        let (text, edits) = (validator_text.clone(), edits.clone());
        Callback::from(move |t: String| {
            *text.borrow_mut() = t;
            edits.set(edits.wrapping_add(1));
        })
    };
    use_effect_with(l, |l| {
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.set_attribute("lang", l.code());
        }
    });
    let dispatch = {
        let dispatcher = playground.dispatcher();
        Callback::from(move |a| dispatcher.dispatch(a))
    };
    // A large write is fed to the session one slice per macrotask (see Action::Pump), so
    // input, painting and scrolling go on in between.
    {
        let busy = playground.busy();
        let dispatcher = playground.dispatcher();
        use_effect_with((playground.generation, busy), move |_| {
            if busy {
                let pump = wasm_bindgen::closure::Closure::once_into_js(move || {
                    dispatcher.dispatch(crate::state::Action::Pump)
                });
                if let Some(w) = web_sys::window() {
                    use wasm_bindgen::JsCast;
                    let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(
                        pump.unchecked_ref(),
                        0,
                    );
                }
            }
        });
    }
    let toggle = {
        let lang = lang.clone();
        Callback::from(move |_: MouseEvent| lang.set(lang.other()))
    };
    html! {
        <main class="app">
            <header class="masthead">
                <div>
                    <h1>{ "Mailroom" }</h1>
                    <p class="tagline">{ T::Tagline.get(l) }</p>
                </div>
                <button type="button" class="lang" lang={l.other().code()} onclick={toggle}
                    title={ T::LanguageLabel.get(l) }>{ T::Language.get(l) }</button>
            </header>
            if let Some(n) = &*notice {
                <div class="notice" role="alert">
                    { n.clone() }{ " " }
                    <button type="button" onclick={ let notice = notice.clone(); move |_| notice.set(None) }>
                        { T::Dismiss.get(l) }</button>
                </div>
            }
            <div class="layout">
                <div class="col-main">
                    <Terminal playground={playground.clone()} dispatch={dispatch.clone()} lang={l} />
                    <ScenarioPanel playground={playground.clone()} dispatch={dispatch.clone()} lang={l} />
                    <MailboxesPanel playground={playground.clone()} dispatch={dispatch.clone()} lang={l} />
                    { message_panels(&playground, &dispatch, l, &on_validator_text) }
                    <SharePanel playground={playground.clone()} lang={l} validator_text={validator_text.clone()} />
                </div>
                <div class="col-side">
                    <Diagram playground={playground.clone()} lang={l} />
                    <EnvelopePanel playground={playground.clone()} lang={l} />
                    <SettingsPanel key={playground.sessions} playground={playground.clone()} dispatch={dispatch.clone()} lang={l} />
                </div>
            </div>
        </main>
    }
}

/// The validator and the compose form (they need `mailroom-message`).
#[cfg(feature = "validator")]
fn message_panels(
    p: &UseReducerHandle<Playground>,
    dispatch: &Callback<crate::state::Action>,
    l: Lang,
    on_text: &Callback<String>,
) -> Html {
    html! {
        <>
        <Validator key={p.inspect.as_ref().map_or(0, |i| i.seq)} inspect={p.inspect.clone()} lang={l}
            on_text={on_text.clone()} />
        <ComposePanel dispatch={dispatch.clone()} lang={l} />
        </>
    }
}

/// Built without the validator (see web/Cargo.toml): nothing to show.
#[cfg(not(feature = "validator"))]
fn message_panels(
    _: &UseReducerHandle<Playground>,
    _: &Callback<crate::state::Action>,
    _: Lang,
    _: &Callback<String>,
) -> Html {
    Html::default()
}

/// `?lang=en|ja` in the page's URL.
fn url_lang() -> Option<Lang> {
    let search = web_sys::window()?.location().search().ok()?;
    search
        .trim_start_matches('?')
        .split('&')
        .find_map(|kv| kv.strip_prefix("lang="))
        .map(|v| if v == "ja" { Lang::Ja } else { Lang::En })
}

/// `?lang=`, else the browser's preferred language (Japanese or English).
fn initial_lang() -> Lang {
    url_lang().unwrap_or_else(|| {
        let browser = web_sys::window()
            .and_then(|w| w.navigator().language())
            .unwrap_or_default();
        if browser.starts_with("ja") {
            Lang::Ja
        } else {
            Lang::En
        }
    })
}

/// A panic in wasm kills the page: show what happened instead of a dead page.
pub fn panic_hook(info: &std::panic::PanicHookInfo<'_>) {
    let message = info.to_string();
    web_sys::console::error_1(&message.clone().into());
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(div) = document.create_element("div") else {
        return;
    };
    div.set_class_name("crash");
    div.set_attribute("role", "alert").ok();
    div.set_text_content(Some(&format!(
        "Mailroom hit an internal error and stopped. Reload the page to start again. Details: {message}"
    )));
    if let Some(body) = document.body() {
        body.prepend_with_node_1(&div).ok();
    }
}
