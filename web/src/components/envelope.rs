//! The envelope of the open (or last) transaction, as the core records it: reverse-path,
//! forward-paths with their parameters and RCPT replies, and the results after the data
//! (one per recipient in LMTP).

use crate::i18n::{Lang, T};
use crate::state::Playground;
use mailroom_smtp::syntax::Param;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub playground: UseReducerHandle<Playground>,
    pub lang: Lang,
}

fn params(ps: &[Param]) -> String {
    ps.iter()
        .map(|p| match &p.value {
            Some(v) => format!("{}={v}", p.keyword),
            None => p.keyword.clone(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[function_component(EnvelopePanel)]
pub fn envelope_panel(props: &Props) -> Html {
    let lang = props.lang;
    let p = &*props.playground;
    let open = p.session.envelope();
    let (env, heading) = if open.reverse_path.is_some() || !open.recipients.is_empty() {
        (Some(open), T::CurrentTransaction)
    } else {
        (p.session.last_envelope(), T::LastTransaction)
    };
    let lmtp = p.session.flags().lmtp;
    let body = match env {
        None => html! { <p class="empty">{ T::NoTransaction.get(lang) }</p> },
        Some(env) => {
            let finished = env.recipients.iter().any(|r| r.result.is_some());
            let rows = env.recipients.iter().map(|r| {
                let status = if r.accepted { T::Accepted } else { T::Refused };
                let result = r.result.map(|c| c.to_string()).unwrap_or_default();
                html! {
                    <tr class={classes!(if r.accepted { "accepted" } else { "refused" })}>
                        <td><code>{ format!("<{}>", r.address) }</code></td>
                        <td><code>{ params(&r.params) }</code></td>
                        <td>{ r.code }</td>
                        <td>{ status.get(lang) }</td>
                        if finished { <td>{ result }</td> }
                    </tr>
                }
            });
            // The core keeps the path as written, brackets included ("<>" is the null path).
            let reverse = match env.reverse_path.as_deref() {
                Some("<>") | Some("") => T::NullPath.get(lang).to_owned(),
                Some(a) => a.to_owned(),
                None => "—".to_owned(),
            };
            html! {
                <>
                <h3>{ heading.get(lang) }</h3>
                <dl class="envelope-head">
                    <dt>{ T::ReversePath.get(lang) }</dt>
                    <dd><code>{ reverse }</code>{ " " }<code>{ params(&env.mail_params) }</code></dd>
                    <dt>{ T::Body.get(lang) }</dt>
                    <dd>{ env.body.as_str() }{ if env.smtputf8 { " SMTPUTF8" } else { "" } }{ if env.used_bdat { " (BDAT)" } else { "" } }</dd>
                    if let Some(size) = env.declared_size {
                        <dt>{ T::DeclaredSize.get(lang) }</dt><dd>{ size }</dd>
                    }
                </dl>
                <table class="recipients">
                    if finished {
                        <caption>{ if lmtp { T::LmtpResults.get(lang) } else { T::SmtpResult.get(lang) } }</caption>
                    }
                    <thead><tr>
                        <th scope="col">{ T::Recipient.get(lang) }</th>
                        <th scope="col">{ T::Parameters.get(lang) }</th>
                        <th scope="col">{ T::RcptReply.get(lang) }</th>
                        <th scope="col">{ T::Status.get(lang) }</th>
                        if finished { <th scope="col">{ T::Result.get(lang) }</th> }
                    </tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
                </>
            }
        }
    };
    html! {
        <section class="panel envelope" aria-labelledby="envelope-title">
            <h2 id="envelope-title">{ T::Envelope.get(lang) }</h2>
            { body }
        </section>
    }
}
