//! The page: header, language toggle and panels.

#[cfg(feature = "validator")]
use crate::components::compose::ComposePanel;
use crate::components::diagram::Diagram;
use crate::components::envelope::EnvelopePanel;
use crate::components::mailboxes::MailboxesPanel;
use crate::components::scenarios::ScenarioPanel;
use crate::components::settings::SettingsPanel;
use crate::components::terminal::Terminal;
#[cfg(feature = "validator")]
use crate::components::validator::Validator;
use crate::i18n::{Lang, T};
use crate::state::Playground;
use yew::prelude::*;

#[function_component(App)]
pub fn app() -> Html {
    let playground = use_reducer(Playground::default);
    let lang = use_state(Lang::default);
    let l = *lang;
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
            <div class="layout">
                <div class="col-main">
                    <Terminal playground={playground.clone()} dispatch={dispatch.clone()} lang={l} />
                    <ScenarioPanel playground={playground.clone()} dispatch={dispatch.clone()} lang={l} />
                    <MailboxesPanel playground={playground.clone()} dispatch={dispatch.clone()} lang={l} />
                    { message_panels(&playground, &dispatch, l) }
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
) -> Html {
    html! {
        <>
        <Validator key={p.inspect.as_ref().map_or(0, |i| i.seq)} inspect={p.inspect.clone()} lang={l} />
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
) -> Html {
    Html::default()
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
