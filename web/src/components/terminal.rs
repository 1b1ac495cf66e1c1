//! The session terminal: the C:/S: transcript (an ARIA live log), the command line with
//! history and pipelined paste, quick-command buttons, and the DATA editor after 354.

use crate::decimal::tenths;
use crate::i18n::{Lang, T};
use crate::state::{dot_stuff, Action, Entry, History, Info, LineKind, Playground};
use mailroom_smtp::{Reply, State};
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub playground: UseReducerHandle<Playground>,
    pub dispatch: Callback<Action>,
    pub lang: Lang,
    /// Transcript only (embeds with `readonly=1`): no command line, no DATA editor.
    #[prop_or_default]
    pub readonly: bool,
}

#[function_component(Terminal)]
pub fn terminal(props: &Props) -> Html {
    let lang = props.lang;
    let p = &*props.playground;
    let input = use_node_ref();
    let history = use_mut_ref(History::default);

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
            let Some(text) = crate::clipboard::pasted_text(&e) else {
                return;
            };
            // A multi-line paste is a pipelined batch: one write, as a client would send it.
            if text.contains('\n') {
                e.prevent_default();
                let mut batch = text;
                batch.truncate(batch.trim_end_matches(['\r', '\n']).len());
                // A short batch goes into the history line by line; a bulk paste does not.
                if batch.lines().nth(50).is_none() {
                    for line in batch.lines() {
                        history.borrow_mut().push(line);
                    }
                }
                dispatch.emit(Action::Send(batch));
            }
        })
    };

    let in_data = p.state() == State::Data;
    // When the data is sent the DATA editor (which had the focus) goes away: the focus
    // returns to the command line instead of falling to the page.
    crate::page::use_focus_when(!in_data, input.clone());
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

    // Keyed: Yew matches unkeyed children from the end, so without keys each new line
    // would shift every DOM node (and an open explanation would move to another reply).
    let entries = p.transcript.iter().enumerate().map(|(k, e)| {
        let key = yew::virtual_dom::Key::from(p.dropped + k);
        Html::from(yew::virtual_dom::VList::with_children(
            vec![entry(e, lang)],
            Some(key),
        ))
    });
    html! {
        <section class="panel terminal" aria-labelledby="terminal-title">
            <h2 id="terminal-title">{ T::Session.get(lang) }</h2>
            // The newest entry stays in view by CSS (see .transcript in styles.css): reading
            // scrollHeight after each change would force a layout inside the event.
            <div class="transcript" role="log" aria-label={ T::TranscriptLabel.get(lang) } aria-live="polite" tabindex="0">
                <div class="entries">{ for entries }</div>
            </div>
            if p.busy() {
                <p class="mode" role="status">{ format!("{} {} KB", T::Sending.get(lang), p.pending_octets() / 1024) }</p>
            }
            if in_data && !props.readonly {
                <p class="mode" role="status">{ T::DataMode.get(lang) }</p>
                <DataEditor dispatch={props.dispatch.clone()} {lang} />
            }
            if !props.readonly {
            <label class="prompt">
                <span class="tag" aria-hidden="true">{ if in_data { "D:" } else { "C:" } }</span>
                <input ref={input} type="text" aria-label={ T::CommandLabel.get(lang) } autocomplete="off" spellcheck="false"
                    placeholder={ if in_data { T::DataPlaceholder.get(lang) } else { T::CommandPlaceholder.get(lang) } }
                    {onkeydown} {onpaste} />
            </label>
            <div class="quicks" role="group" aria-label={ T::Suggestions.get(lang) }>
                { quick }
            </div>
            }
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
    // A paste this large is held here, not put into the textarea: a browser takes hundreds of
    // milliseconds to insert (and again to clear) megabytes in an editable field.
    let held = use_state(|| None::<Rc<String>>);
    let oninput = {
        let stuffed = stuffed.clone();
        Callback::from(move |e: InputEvent| {
            let el: HtmlTextAreaElement = e.target_unchecked_into();
            stuffed.set(stuffed_lines(&el.value()));
        })
    };
    let onpaste = {
        let (stuffed, held) = (stuffed.clone(), held.clone());
        Callback::from(move |e: Event| {
            let Some(pasted) = crate::clipboard::pasted_text(&e) else {
                return;
            };
            if pasted.len() < HOLD_PASTE || held.is_some() {
                return;
            }
            e.prevent_default();
            let el: HtmlTextAreaElement = e.target_unchecked_into();
            // What the field would hold: the paste replaces the selection.
            let value = el.value();
            let (start, end) = selection(&el, &value);
            let text = format!("{}{pasted}{}", &value[..start], &value[end..]);
            stuffed.set(stuffed_lines(&text));
            held.set(Some(Rc::new(text)));
        })
    };
    let discard = {
        let (stuffed, held) = (stuffed.clone(), held.clone());
        Callback::from(move |_: MouseEvent| {
            held.set(None);
            stuffed.set(Vec::new());
        })
    };
    let send = {
        let area = area.clone();
        let (stuffed, held) = (stuffed.clone(), held.clone());
        let dispatch = props.dispatch.clone();
        move || {
            if let Some(text) = (*held).clone() {
                held.set(None);
                stuffed.set(Vec::new());
                if let Some(el) = area.cast::<HtmlTextAreaElement>() {
                    // What was typed before the paste went out with it.
                    el.set_value("");
                }
                let text = Rc::try_unwrap(text).unwrap_or_else(|rc| (*rc).clone());
                dispatch.emit(Action::SendData(text));
            } else if let Some(el) = area.cast::<HtmlTextAreaElement>() {
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
    let held_note = held.as_ref().map(|text| {
        let lines = text.lines().count();
        html! {
            <p class="held" role="status">
                { T::HeldPaste.get(lang) }{ " " }
                <strong>{ format!("{} MB, {lines} lines", tenths(text.len() as f64 / 1e6)) }</strong>{ " " }
                <button type="button" onclick={discard}>{ T::Discard.get(lang) }</button>
            </p>
        }
    });
    html! {
        <div class="data-editor">
            { for held_note }
            <textarea ref={area} aria-label={ T::MessageData.get(lang) } rows="6" spellcheck="false"
                readonly={held.is_some()}
                {oninput} {onpaste} {onkeydown} placeholder={"Subject: hello\n\nHi!"} />
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

/// Pastes from this size on are held outside the DATA textarea (see `DataEditor`).
const HOLD_PASTE: usize = 512 * 1024;

/// The textarea's selection as byte offsets into `value` (the DOM counts UTF-16 units).
fn selection(el: &HtmlTextAreaElement, value: &str) -> (usize, usize) {
    let to_byte = |units: Option<u32>| {
        let units = units.unwrap_or(0) as usize;
        let mut seen = 0;
        for (i, c) in value.char_indices() {
            if seen >= units {
                return i;
            }
            seen += c.len_utf16();
        }
        value.len()
    };
    let start = to_byte(el.selection_start().ok().flatten());
    let end = to_byte(el.selection_end().ok().flatten()).max(start);
    (start, end)
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
        Entry::Note(w) => html! {
            <details class="line note">
                <summary><span class="tag">{ "!" }</span><span class="badge">{ T::Warning.get(lang) }</span>{ lang.pick(&w.detail, &w.detail_ja).to_owned() }</summary>
                <div class="why"><p>{ lang.pick(w.explain_en, w.explain_ja) }</p><p class="rfc">{ format!("{} · {}", w.rfc, w.rule) }</p></div>
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
