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
use crate::page;
use crate::params::{PageParams, Theme, View};
use crate::state::{Action, Playground};
use std::rc::Rc;
use yew::prelude::*;

#[function_component(App)]
pub fn app() -> Html {
    let params = use_memo((), |_| PageParams::parse(&page::search()));
    let standalone = params.embed.is_none() && !params.present;
    let playground = use_reducer(Playground::default);
    let lang = {
        let from_url = params.lang;
        use_state(move || from_url.unwrap_or_else(browser_lang))
    };
    let l = *lang;
    // The validator's text, for links and the autosave (not a render input); `edits`
    // counts its changes so the autosave runs after them too.
    let validator_text = use_mut_ref(String::new);
    let edits = use_state(|| 0u32);
    let notice = use_state(|| None::<String>);
    // Ready once a link or the autosave was read: saving before would overwrite it.
    let loaded = use_state(|| false);
    {
        let (dispatcher, lang, notice, loaded, text, params) = (
            playground.dispatcher(),
            lang.clone(),
            notice.clone(),
            loaded.clone(),
            validator_text.clone(),
            params.clone(),
        );
        use_effect_with((), move |_| {
            if params.embed.is_some() {
                page::report_height();
            }
            yew::platform::spawn_local(async move {
                let found = match crate::link::from_fragment().await {
                    Some(r) => {
                        crate::link::clear_fragment();
                        Some((r, T::LinkBroken))
                    }
                    // Embeds and presentations start from their parameters, not the autosave.
                    None if standalone => crate::link::autosaved().map(|r| (r, T::AutosaveBroken)),
                    None => None,
                };
                let restored = matches!(found, Some((Ok(_), _)));
                match found {
                    Some((Ok(saved), _)) => {
                        if let Some(l) = saved.lang.filter(|_| params.lang.is_none()) {
                            lang.set(l);
                        }
                        *text.borrow_mut() = saved.validator.clone().unwrap_or_default();
                        // Its scenario's file first, so the restore finds the scenario.
                        if let Some((id, _)) = &saved.scenario {
                            if crate::scenario::load(id).await.is_none() {
                                let why = T::ScenarioUnavailable.get(*lang);
                                notice.set(Some(format!("{why} '{id}'")));
                            }
                        }
                        dispatcher.dispatch(Action::Restore(Rc::new(saved)));
                    }
                    Some((Err(e), why)) => {
                        if why == T::AutosaveBroken {
                            crate::link::reset_autosave();
                        }
                        notice.set(Some(format!("{} {e}", why.get(*lang))));
                    }
                    None => {}
                }
                if !restored {
                    if let Some(id) = &params.scenario {
                        if crate::scenario::load(id).await.is_some() {
                            dispatcher.dispatch(Action::OpenScenario(id.clone(), params.step));
                        } else {
                            let why = match crate::scenario::known(id) {
                                Some(_) => T::ScenarioUnavailable,
                                None => T::UnknownScenario,
                            };
                            notice.set(Some(format!("{} '{id}'", why.get(*lang))));
                        }
                    }
                }
                loaded.set(true);
            });
        });
    }
    // Autosave (the full playground only), a moment after the last change.
    {
        let (p, text, timer) = (
            playground.clone(),
            validator_text.clone(),
            use_mut_ref(|| None::<page::Timer>),
        );
        use_effect_with(
            (playground.generation, *edits, l, *loaded),
            move |(_, _, l, loaded)| {
                if *loaded && standalone {
                    let l = *l;
                    // Replacing the timer cancels the previous one and frees its closure.
                    *timer.borrow_mut() = Some(page::Timer::new(400, move || {
                        let (saved, _) = saved_state(&p, &text.borrow(), l);
                        crate::link::autosave(&saved);
                    }));
                }
            },
        );
    }
    // Autoplay: the next step a moment after each one (a reader can pause it).
    let paused = use_state(|| false);
    {
        let (dispatcher, timer) = (playground.dispatcher(), use_mut_ref(|| None::<page::Timer>));
        let running = playground.scenario.as_ref().is_some_and(|r| !r.finished());
        let go = params.autoplay && running && *loaded && !*paused;
        use_effect_with((playground.generation, go), move |(_, go)| {
            *timer.borrow_mut() = go
                .then(|| page::Timer::new(1500, move || dispatcher.dispatch(Action::StepScenario)));
        });
    }
    // Presentation mode: Space / Right steps, Left goes back.
    {
        let dispatcher = playground.dispatcher();
        let present = params.present;
        use_effect_with(present, move |present| {
            let listener = present.then(|| {
                page::KeyListener::new(move |e: web_sys::KeyboardEvent| {
                    if page::not_for_page(&e) {
                        return;
                    }
                    let action = match e.key().as_str() {
                        " " | "ArrowRight" => Action::StepScenario,
                        "ArrowLeft" => Action::ScenarioBack,
                        _ => return,
                    };
                    e.prevent_default();
                    dispatcher.dispatch(action);
                })
            });
            move || drop(listener)
        });
    }
    let on_validator_text = {
        let (text, edits) = (validator_text.clone(), edits.clone());
        Callback::from(move |t: String| {
            *text.borrow_mut() = t;
            edits.set(edits.wrapping_add(1));
        })
    };
    use_effect_with(l, |l| page::set_root_attribute("lang", Some(l.code())));
    use_effect_with(params.theme, |t| {
        page::set_root_attribute(
            "data-theme",
            t.map(|t| match t {
                Theme::Light => "light",
                Theme::Dark => "dark",
            }),
        )
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
                page::after(0, move || dispatcher.dispatch(Action::Pump));
            }
        });
    }
    // The terminal and the diagram render first; the other panels a moment later, so the
    // command line works as soon as possible after the page loads.
    let settled = use_state(|| false);
    {
        let settled = settled.clone();
        use_effect_with((), move |_| page::after(0, move || settled.set(true)));
    }
    let toggle = {
        let lang = lang.clone();
        Callback::from(move |_: MouseEvent| lang.set(lang.other()))
    };
    let notice_html = notice.as_ref().map(|n| {
        let notice = notice.clone();
        html! {
            <div class="notice" role="alert">
                { n.clone() }{ " " }
                <button type="button" onclick={move |_| notice.set(None)}>{ T::Dismiss.get(l) }</button>
            </div>
        }
    });
    let terminal = |readonly: bool| {
        html! {
            <Terminal playground={playground.clone()} dispatch={dispatch.clone()} lang={l} {readonly} />
        }
    };
    let scenario = |compact: bool| {
        html! {
            <ScenarioPanel playground={playground.clone()} dispatch={dispatch.clone()} lang={l} {compact} />
        }
    };
    let diagram = html! { <Diagram playground={playground.clone()} lang={l} /> };

    if let Some(view) = params.embed {
        let open_full = {
            let (p, text) = (playground.clone(), validator_text.clone());
            Callback::from(move |e: MouseEvent| {
                e.prevent_default();
                let (saved, _) = saved_state(&p, &text.borrow(), l);
                yew::platform::spawn_local(async move {
                    if let Ok(url) = crate::link::url_for(&saved).await {
                        page::open(&url);
                    }
                });
            })
        };
        let body = match view {
            View::Terminal => terminal(params.readonly),
            View::Diagram => diagram,
            View::Validator => message_panels(&playground, &dispatch, l, &on_validator_text, false),
        };
        return html! {
            <main class={classes!("app", "embed", format!("view-{}", view.as_str()))}>
                { for notice_html }
                { body }
                if playground.scenario.is_some() && view != View::Validator {
                    { scenario(true) }
                }
                if params.autoplay {
                    <button type="button" aria-pressed={(!*paused).to_string()}
                        onclick={ let paused = paused.clone(); move |_| paused.set(!*paused) }>
                        { if *paused { T::Play.get(l) } else { T::Pause.get(l) } }</button>{ " " }
                }
                <a class="open-full" href="./" target="_blank" rel="noopener" onclick={open_full}>
                    { T::OpenFull.get(l) }{ " ↗" }</a>
            </main>
        };
    }
    if params.present {
        // The step the next key press sends, as the scenario panel counts it.
        let counter = playground.scenario.as_ref().map(|run| {
            let total = run.scenario.steps.len();
            if run.finished() {
                // Distinct from "Step 6 of 6", so the presenter sees that the last one went.
                format!("{total} {} {total} · {}", T::Of.get(l), T::AllSent.get(l))
            } else {
                format!(
                    "{} {} {} {total}",
                    T::Step.get(l),
                    run.done + 1,
                    T::Of.get(l)
                )
            }
        });
        return html! {
            <main class="app present">
                { for notice_html }
                <p class="present-bar">
                    if let Some(c) = counter { <span class="step-big" role="status">{ c }</span> }
                    <span class="small">{ T::PresentKeys.get(l) }</span>
                </p>
                <div class="layout">
                    <div class="col-main">{ terminal(true) }{ scenario(true) }</div>
                    <div class="col-side">{ diagram }</div>
                </div>
            </main>
        };
    }
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
            { for notice_html }
            <div class="layout">
                <div class="col-main">
                    { terminal(false) }
                    if *settled {
                        { scenario(false) }
                        <MailboxesPanel playground={playground.clone()} dispatch={dispatch.clone()} lang={l} />
                        { message_panels(&playground, &dispatch, l, &on_validator_text, true) }
                        <SharePanel playground={playground.clone()} lang={l} validator_text={validator_text.clone()} />
                    }
                </div>
                <div class="col-side">
                    { diagram.clone() }
                    if *settled {
                        <EnvelopePanel playground={playground.clone()} lang={l} />
                        <SettingsPanel key={playground.sessions} playground={playground.clone()} dispatch={dispatch.clone()} lang={l} />
                    }
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
    compose: bool,
) -> Html {
    html! {
        <>
        <Validator key={p.inspect.as_ref().map_or(0, |i| i.seq)} inspect={p.inspect.clone()} lang={l}
            on_text={on_text.clone()}
            on_file={dispatch.reform(crate::state::Action::InspectFile)} />
        if compose {
            <ComposePanel dispatch={dispatch.clone()} lang={l} transaction_open={p.transaction_open()} />
        }
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
    _: bool,
) -> Html {
    Html::default()
}

/// The browser's preferred language: Japanese or English.
fn browser_lang() -> Lang {
    let browser = web_sys::window()
        .and_then(|w| w.navigator().language())
        .unwrap_or_default();
    if browser.starts_with("ja") {
        Lang::Ja
    } else {
        Lang::En
    }
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
