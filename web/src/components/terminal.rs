//! The session terminal: a command line and the C:/S: transcript (an ARIA live log).

use crate::state::{Entry, Playground};
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub playground: UseReducerHandle<Playground>,
    pub on_send: Callback<String>,
}

#[function_component(Terminal)]
pub fn terminal(props: &Props) -> Html {
    let input = use_node_ref();
    let onkeydown = {
        let input = input.clone();
        let on_send = props.on_send.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() != "Enter" {
                return;
            }
            e.prevent_default();
            if let Some(el) = input.cast::<HtmlInputElement>() {
                on_send.emit(el.value());
                el.set_value("");
            }
        })
    };
    let onpaste = {
        let on_send = props.on_send.clone();
        Callback::from(move |e: Event| {
            let Some(text) = e
                .dyn_ref::<web_sys::ClipboardEvent>()
                .and_then(|c| c.clipboard_data())
                .and_then(|d| d.get_data("text").ok())
            else {
                return;
            };
            // A multi-line paste is a pipelined batch: one write, as a client would send it.
            if text.contains('\n') {
                e.prevent_default();
                on_send.emit(text.trim_end_matches(['\r', '\n']).to_owned());
            }
        })
    };
    let entries = props.playground.transcript.iter().map(entry);
    html! {
        <section class="terminal" aria-labelledby="terminal-title">
            <h2 id="terminal-title">{ "Session" }</h2>
            <div class="transcript" role="log" aria-label="Transcript" aria-live="polite">
                { for entries }
            </div>
            <label class="prompt">
                <span class="tag" aria-hidden="true">{ "C:" }</span>
                <input ref={input} type="text" aria-label="Command" autocomplete="off" spellcheck="false"
                    placeholder="EHLO client.example" {onkeydown} {onpaste} />
            </label>
        </section>
    }
}

use wasm_bindgen::JsCast;

fn entry(e: &Entry) -> Html {
    match e {
        Entry::Client(line) => html! {
            <div class="line client"><span class="tag">{ "C:" }</span><code>{ line.clone() }</code></div>
        },
        Entry::Server {
            lines,
            code,
            rule,
            rfc,
            explain_en,
            ..
        } => {
            let class = classes!("line", "server", format!("class-{}", code / 100));
            html! {
                <details class={class}>
                    <summary>
                        <span class="tag">{ "S:" }</span>
                        <span class="badge">{ reply_class(*code) }</span>
                        <code>{ lines.join("\n") }</code>
                    </summary>
                    <p class="why">{ *explain_en }<span class="rfc">{ format!(" {rfc} · {rule}") }</span></p>
                </details>
            }
        }
        Entry::Note { rule, rfc, text } => html! {
            <div class="line note"><span class="tag">{ "!" }</span>{ text.clone() }<span class="rfc">{ format!(" {rfc} · {rule}") }</span></div>
        },
    }
}

/// The reply class as text, so it is not conveyed by colour alone.
fn reply_class(code: u16) -> &'static str {
    match code / 100 {
        2 => "ok",
        3 => "go on",
        4 => "try later",
        _ => "error",
    }
}
