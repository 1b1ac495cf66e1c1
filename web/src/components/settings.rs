//! Server settings: a form over [`Settings`]; applying it starts a new session (after a
//! confirmation when a transaction is open).

use crate::i18n::{Lang, T};
use crate::settings::Settings;
use crate::state::{Action, Playground};
use mailroom_smtp::profile::PROFILES;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub playground: UseReducerHandle<Playground>,
    pub dispatch: Callback<Action>,
    pub lang: Lang,
}

#[function_component(SettingsPanel)]
pub fn settings_panel(props: &Props) -> Html {
    let lang = props.lang;
    let draft = {
        let cfg = props.playground.session.config().clone();
        use_state(move || Settings::from_config(&cfg))
    };
    let errors = use_state(Vec::<(String, String)>::new);

    // One callback per kind of field: `f` writes the new value into a copy of the draft.
    let text = |f: fn(&mut Settings, String)| {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| {
            let mut d = (*draft).clone();
            f(
                &mut d,
                e.target_unchecked_into::<HtmlInputElement>().value(),
            );
            draft.set(d);
        })
    };
    let area = |f: fn(&mut Settings, String)| {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| {
            let mut d = (*draft).clone();
            f(
                &mut d,
                e.target_unchecked_into::<HtmlTextAreaElement>().value(),
            );
            draft.set(d);
        })
    };
    let check = |f: fn(&mut Settings, bool)| {
        let draft = draft.clone();
        Callback::from(move |e: Event| {
            let mut d = (*draft).clone();
            f(
                &mut d,
                e.target_unchecked_into::<HtmlInputElement>().checked(),
            );
            draft.set(d);
        })
    };
    let on_profile = {
        let draft = draft.clone();
        Callback::from(move |e: Event| {
            let name = e.target_unchecked_into::<HtmlSelectElement>().value();
            draft.set(Settings::for_profile(&name));
        })
    };
    let on_mode = {
        let draft = draft.clone();
        Callback::from(move |e: Event| {
            let mut d = (*draft).clone();
            d.lmtp = e.target_unchecked_into::<HtmlSelectElement>().value() == "lmtp";
            draft.set(d);
        })
    };
    let onsubmit = {
        let draft = draft.clone();
        let errors = errors.clone();
        let dispatch = props.dispatch.clone();
        let open = props.playground.transaction_open();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Err(list) = draft.to_config() {
                errors.set(list);
                return;
            }
            errors.set(Vec::new());
            if open && !crate::page::confirm(T::ConfirmRestart.get(lang)) {
                return;
            }
            dispatch.emit(Action::Apply(Box::new((*draft).clone())));
        })
    };

    let d = &*draft;
    let profiles = PROFILES.iter().map(|p| {
        html! {
            <option value={p.name} selected={d.profile == p.name}>{ lang.pick(p.title_en, p.title_ja) }</option>
        }
    });
    let problems = errors
        .iter()
        .map(|(en, ja)| html! { <li>{ lang.pick(en, ja).to_owned() }</li> });
    html! {
        <section class="panel settings" aria-labelledby="settings-title">
            <h2 id="settings-title">{ T::Settings.get(lang) }</h2>
            <form {onsubmit}>
                <label>{ T::Profile.get(lang) }
                    <select onchange={on_profile}>{ for profiles }</select></label>
                <label>{ T::Mode.get(lang) }
                    <select onchange={on_mode}>
                        <option value="smtp" selected={!d.lmtp}>{ "SMTP (RFC 5321)" }</option>
                        <option value="lmtp" selected={d.lmtp}>{ "LMTP (RFC 2033)" }</option>
                    </select></label>
                <label>{ T::MaxRecipients.get(lang) }
                    <input type="text" inputmode="numeric" value={d.max_recipients.clone()}
                        oninput={text(|s, v| s.max_recipients = v)} /></label>
                <label>{ T::MaxErrors.get(lang) }
                    <input type="text" inputmode="numeric" value={d.max_errors.clone()}
                        oninput={text(|s, v| s.max_errors = v)} /></label>
                <label>{ T::MaxMessageSize.get(lang) }
                    <input type="text" inputmode="numeric" value={d.max_message_size.clone()}
                        oninput={text(|s, v| s.max_message_size = v)} /></label>
                <label class="wide">{ T::Mailboxes.get(lang) }
                    <textarea rows="3" spellcheck="false" value={d.mailboxes.clone()}
                        aria-describedby="mailboxes-help" oninput={area(|s, v| s.mailboxes = v)} /></label>
                <small id="mailboxes-help" class="wide">{ T::MailboxesHelp.get(lang) }</small>
                <label class="wide">{ T::Faults.get(lang) }
                    <textarea rows="2" spellcheck="false" value={d.faults.clone()}
                        aria-describedby="faults-help" oninput={area(|s, v| s.faults = v)} /></label>
                <small id="faults-help" class="wide">{ T::FaultsHelp.get(lang) }</small>
                <label class="check"><input type="checkbox" checked={d.strict_pipelining}
                    onchange={check(|s, v| s.strict_pipelining = v)} />{ T::StrictPipelining.get(lang) }</label>
                <label class="check"><input type="checkbox" checked={d.bare_lf_normalize}
                    onchange={check(|s, v| s.bare_lf_normalize = v)} />{ T::BareLfNormalize.get(lang) }</label>
                <label class="check"><input type="checkbox" checked={d.lenient}
                    onchange={check(|s, v| s.lenient = v)} />{ T::Lenient.get(lang) }</label>
                if !errors.is_empty() {
                    <ul class="errors" role="alert">{ for problems }</ul>
                }
                <button type="submit" class="primary">{ T::Apply.get(lang) }</button>
            </form>
        </section>
    }
}
