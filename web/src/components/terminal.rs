//! The session terminal: the C:/S: transcript (an ARIA live log), the command line with
//! history and pipelined paste, quick-command buttons, and the DATA editor after 354.

use crate::i18n::{Lang, T};
use crate::state::{dot_stuff, Action, Entry, History, Info, LineKind, Playground};
use mailroom_smtp::{Reply, State};
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub playground: UseReducerHandle<Playground>,
    pub dispatch: Callback<Action>,
    pub lang: Lang,
}

#[function_component(Terminal)]
pub fn terminal(props: &Props) -> Html {
    let lang = props.lang;
    let p = &*props.playground;
    let input = use_node_ref();
    let log = use_node_ref();
    let history = use_mut_ref(History::default);

    // Keep the newest entry in view.
    {
        let log = log.clone();
        use_effect_with(p.generation, move |_| {
            if let Some(el) = log.cast::<web_sys::Element>() {
                el.set_scroll_top(el.scroll_height());
            }
        });
    }

    let onkeydown = {
        let input = input.clone();
        let dispatch = props.dispatch.clone();
        let history = history.clone();
        Callback::from(move |e: KeyboardEvent| {
            let Some(el) = input.cast::<HtmlInputElement>() else {
                return;
            };
            let shown = match e.key().as_str() {
                "Enter" => {
                    e.prevent_default();
                    let line = el.value();
                    history.borrow_mut().push(&line);
                    dispatch.emit(Action::Send(line));
                    Some(String::new())
                }
                "ArrowUp" => {
                    e.prevent_default();
                    history.borrow_mut().up(&el.value())
                }
                "ArrowDown" => {
                    e.prevent_default();
                    history.borrow_mut().down()
                }
                _ => None,
            };
            if let Some(text) = shown {
                el.set_value(&text);
            }
        })
    };
    let onpaste = {
        let dispatch = props.dispatch.clone();
        let history = history.clone();
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
                let batch = text.trim_end_matches(['\r', '\n']).to_owned();
                // A short batch goes into the history line by line; a bulk paste does not.
                if batch.lines().count() <= 50 {
                    for line in batch.lines() {
                        history.borrow_mut().push(line);
                    }
                }
                dispatch.emit(Action::Send(batch));
            }
        })
    };

    let in_data = p.state() == State::Data;
    let hints = p.session.next_commands();
    let quick = hints
        .iter()
        .filter(|h| h.verb != ".")
        .map(|h| {
            let input = input.clone();
            let example = h.example.clone();
            let onclick = Callback::from(move |_: MouseEvent| {
                if let Some(el) = input.cast::<HtmlInputElement>() {
                    el.set_value(&example);
                    let _ = el.focus();
                }
            });
            html! {
                <button type="button" class="quick" title={h.syntax} {onclick}>{ h.verb }</button>
            }
        })
        .collect::<Html>();

    let entries = p.transcript.iter().map(|e| entry(e, lang));
    html! {
        <section class="panel terminal" aria-labelledby="terminal-title">
            <h2 id="terminal-title">{ T::Session.get(lang) }</h2>
            <div ref={log} class="transcript" role="log" aria-label="Transcript" aria-live="polite" tabindex="0">
                { for entries }
            </div>
            if p.busy() {
                <p class="mode" role="status">{ format!("{} {} KB", T::Sending.get(lang), p.pending_octets() / 1024) }</p>
            }
            if in_data {
                <p class="mode" role="status">{ T::DataMode.get(lang) }</p>
                <DataEditor dispatch={props.dispatch.clone()} {lang} />
            }
            <label class="prompt">
                <span class="tag" aria-hidden="true">{ if in_data { "D:" } else { "C:" } }</span>
                <input ref={input} type="text" aria-label="Command" autocomplete="off" spellcheck="false"
                    placeholder={ if in_data { T::DataPlaceholder.get(lang) } else { T::CommandPlaceholder.get(lang) } }
                    {onkeydown} {onpaste} />
            </label>
            <div class="quicks" role="group" aria-label={ T::Suggestions.get(lang) }>
                { quick }
            </div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct DataProps {
    dispatch: Callback<Action>,
    lang: Lang,
}

/// The multi-line editor shown after 354. Lines that start with "." are previewed as they
/// go on the wire; the action sends the text and the final ".".
#[function_component(DataEditor)]
fn data_editor(props: &DataProps) -> Html {
    let lang = props.lang;
    let area = use_node_ref();
    // Only the lines that will be stuffed are kept, not the text: a 5 MB paste must not be
    // copied on every render.
    let stuffed = use_state(Vec::<(usize, String)>::new);
    let oninput = {
        let stuffed = stuffed.clone();
        Callback::from(move |e: InputEvent| {
            let el: HtmlTextAreaElement = e.target_unchecked_into();
            stuffed.set(stuffed_lines(&el.value()));
        })
    };
    let send = {
        let area = area.clone();
        let stuffed = stuffed.clone();
        let dispatch = props.dispatch.clone();
        move || {
            if let Some(el) = area.cast::<HtmlTextAreaElement>() {
                dispatch.emit(Action::SendData(el.value()));
                el.set_value("");
                stuffed.set(Vec::new());
            }
        }
    };
    let onclick = {
        let send = send.clone();
        Callback::from(move |_: MouseEvent| send())
    };
    // Ctrl+Enter (or Cmd+Enter) sends, like the button.
    let onkeydown = Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Enter" && (e.ctrl_key() || e.meta_key()) {
            e.prevent_default();
            send();
        }
    });
    let preview = stuffed.iter().map(|(n, l)| {
        html! { <li><span class="lineno">{ n }</span>{ data_line(l, lang) }</li> }
    });
    html! {
        <div class="data-editor">
            <textarea ref={area} aria-label="Message data" rows="6" spellcheck="false"
                {oninput} {onkeydown} placeholder={"Subject: hello\n\nHi!"} />
            if !stuffed.is_empty() {
                <div class="stuffing">
                    <p>{ T::StuffedPreview.get(lang) }</p>
                    <ul>{ for preview }</ul>
                </div>
            }
            <button type="button" class="primary" {onclick} title="Ctrl+Enter">{ T::EndWithDot.get(lang) }</button>
        </div>
    }
}

/// The first lines (numbered from 1) that the client will stuff, as they go on the wire.
fn stuffed_lines(text: &str) -> Vec<(usize, String)> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with('.'))
        .take(20)
        .map(|(i, l)| (i + 1, dot_stuff(l)))
        .collect()
}

fn entry(e: &Entry, lang: Lang) -> Html {
    match e {
        Entry::Client {
            line,
            kind: LineKind::Command,
        } => html! {
            <div class="line client"><span class="tag">{ "C:" }</span><code>{ line.clone() }</code></div>
        },
        Entry::Client {
            line,
            kind: LineKind::Data,
        } => html! {
            <div class="line client data"><span class="tag">{ "C:" }</span><code>{ data_line(line, lang) }</code></div>
        },
        Entry::Server(r) => reply(r, lang),
        Entry::Note {
            rule,
            rfc,
            text,
            explain_en,
            explain_ja,
        } => html! {
            <details class="line note">
                <summary><span class="tag">{ "!" }</span><span class="badge">{ T::Warning.get(lang) }</span>{ text.clone() }</summary>
                <div class="why"><p>{ lang.pick(explain_en, explain_ja) }</p><p class="rfc">{ format!("{rfc} · {rule}") }</p></div>
            </details>
        },
        Entry::Content { octets, chunk } => {
            let what = if *chunk {
                T::ChunkReceived
            } else {
                T::ContentReceived
            };
            html! {
                <div class="line meta"><span class="tag">{ "·" }</span>{ format!("{}: {octets} {}", what.get(lang), T::Octets.get(lang)) }</div>
            }
        }
        Entry::GroupEnd => html! {
            <div class="line group-end" role="separator">{ T::GroupEnd.get(lang) }</div>
        },
        Entry::Delivered { id } => html! {
            <div class="line meta"><span class="tag">{ "·" }</span>{ format!("{} {id}", T::DeliveredAs.get(lang)) }</div>
        },
        Entry::Elided { lines, unread } => {
            let what = if *unread { T::Unread } else { T::Elided };
            html! { <div class="line meta"><span class="tag">{ "C:" }</span>{ format!("… {lines} {}", what.get(lang)) }</div> }
        }
        Entry::Info(info) => {
            let text = match info {
                Info::Closed => T::Closed,
                Info::Restarted => T::Restarted,
            };
            html! { <div class="line info"><span class="tag">{ "·" }</span>{ text.get(lang) }</div> }
        }
    }
}

fn reply(r: &Reply, lang: Lang) -> Html {
    let class = classes!("line", "server", format!("class-{}", r.class()));
    let badge = match r.class() {
        2 => T::ClassOk,
        3 => T::ClassGoOn,
        4 => T::ClassLater,
        _ => T::ClassError,
    };
    let recipient = r
        .recipient
        .as_ref()
        .map(|a| html! { <p>{ format!("RCPT <{a}>") }</p> });
    html! {
        <details class={class}>
            <summary>
                <span class="tag">{ "S:" }</span>
                <span class="badge">{ badge.get(lang) }</span>
                <code>{ r.wire_lines().join("\n") }</code>
            </summary>
            <div class="why">
                { for recipient }
                <p>{ lang.pick(r.explain_en, r.explain_ja) }</p>
                <p class="rfc">{ format!("{} · {}", r.rfc, r.rule) }</p>
            </div>
        </details>
    }
}

/// A DATA line as sent: the lone "." is the end of data; any other leading "." is the
/// transparency dot the server removes.
fn data_line(line: &str, lang: Lang) -> Html {
    if line == "." {
        return html! { <>{ "." }<span class="aside">{ format!("  ← {}", T::EndOfData.get(lang)) }</span></> };
    }
    match line.strip_prefix('.') {
        Some(rest) => html! {
            <><mark class="stuffed" title={ T::StuffedDot.get(lang) }>{ "." }</mark>{ rest.to_owned() }</>
        },
        None => html! { { line.to_owned() } },
    }
}
