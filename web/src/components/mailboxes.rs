//! Delivered messages, newest first, with the trace fields the server prepended
//! (Return-Path, Received) marked.

use crate::i18n::{Lang, T};
use crate::state::{split_trace, Action, Playground};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub playground: UseReducerHandle<Playground>,
    pub dispatch: Callback<Action>,
    pub lang: Lang,
}

/// Shown per message at most; the rest is elided (the page must stay responsive).
const MAX_SHOWN: usize = 64 * 1024;

#[function_component(MailboxesPanel)]
pub fn mailboxes_panel(props: &Props) -> Html {
    let lang = props.lang;
    let p = &*props.playground;
    let clear = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.emit(Action::ClearMailboxes))
    };
    let items = p.deliveries.iter().enumerate().rev().map(|(i, d)| {
        let validate = validate_button(&props.dispatch, i, lang);
        let (shown, cut) = crate::shorten::at_most_bytes(&d.data, MAX_SHOWN);
        let text = String::from_utf8_lossy(shown).into_owned();
        let (trace, rest) = split_trace(&text);
        let to = d
            .recipients
            .iter()
            .map(|r| format!("<{}> {}", r.address, r.code))
            .collect::<Vec<_>>()
            .join(", ");
        html! {
            <li class="message">
                <details>
                    <summary>
                        <code>{ d.id.clone() }</code>{ " · " }
                        { T::From.get(lang) }{ " " }<code>{ d.reverse_path.clone() }</code>{ " · " }
                        { T::To.get(lang) }{ " " }<code>{ to }</code>{ format!(" · {} {}", d.with, d.body) }
                    </summary>
                    { validate }
                    <pre class="stored"><mark class="trace" title={ T::TraceFields.get(lang) }>{ trace.to_owned() }</mark>{ rest.to_owned() }
                    { if cut { "\n…" } else { "" } }</pre>
                </details>
            </li>
        }
    });
    html! {
        <section class="panel mailboxes" aria-labelledby="mailboxes-title">
            <h2 id="mailboxes-title">{ T::MailboxesPanel.get(lang) }</h2>
            if p.deliveries.is_empty() {
                <p class="empty">{ T::NoMail.get(lang) }</p>
            } else {
                <ul class="messages" aria-label={ T::MailboxesPanel.get(lang) }>{ for items }</ul>
                <button type="button" onclick={clear}>{ T::Clear.get(lang) }</button>
            }
        </section>
    }
}

/// "Validate": opens the message with its envelope in the validator.
#[cfg(feature = "validator")]
fn validate_button(dispatch: &Callback<Action>, i: usize, lang: Lang) -> Html {
    let dispatch = dispatch.clone();
    let onclick = Callback::from(move |_: MouseEvent| dispatch.emit(Action::InspectDelivery(i)));
    html! { <button type="button" {onclick}>{ T::Validate.get(lang) }</button> }
}

#[cfg(not(feature = "validator"))]
fn validate_button(_: &Callback<Action>, _: usize, _: Lang) -> Html {
    Html::default()
}
