//! The page: header and panels.

use crate::components::terminal::Terminal;
use crate::state::{Action, Playground};
use yew::prelude::*;

#[function_component(App)]
pub fn app() -> Html {
    let playground = use_reducer(Playground::default);
    let on_send = {
        let dispatcher = playground.dispatcher();
        Callback::from(move |text: String| dispatcher.dispatch(Action::Send(text)))
    };
    html! {
        <main class="app">
            <header class="masthead">
                <h1>{ "Mailroom" }</h1>
                <p class="tagline">{ "Talk to a simulated SMTP server and watch how mail travels." }</p>
            </header>
            <Terminal playground={playground.clone()} {on_send} />
        </main>
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
