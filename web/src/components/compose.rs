//! Compose: a form from which `mailroom-message` builds a correct message, then either
//! validates it or plays its client side against the simulated server step by step.

use crate::i18n::{Lang, T};
use crate::state::Action;
use mailroom_message::{build, split_entries as list, Compose};
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub dispatch: Callback<Action>,
    pub lang: Lang,
    /// "Build and send step by step" restarts the session: asked first when this is set.
    pub transaction_open: bool,
}

/// The form as typed: address fields stay text until a message is built, so a comma
/// being typed is not parsed (and dropped) on the way.
#[derive(Clone, PartialEq)]
struct Form {
    from: String,
    to: String,
    cc: String,
    bcc: String,
    subject: String,
    body: String,
}

#[function_component(ComposePanel)]
pub fn compose_panel(props: &Props) -> Html {
    let lang = props.lang;
    let form = use_state(|| Form {
        from: "Chris <chris@foo.edu>".into(),
        to: "pat@bar.com".into(),
        cc: String::new(),
        bcc: String::new(),
        subject: "会議の件".into(),
        body: "こんにちは。\n明日の会議は 10 時からです。".into(),
    });
    let field = |f: fn(&mut Form, String)| {
        let form = form.clone();
        Callback::from(move |e: InputEvent| {
            let mut c = (*form).clone();
            f(
                &mut c,
                e.target_unchecked_into::<HtmlInputElement>().value(),
            );
            form.set(c);
        })
    };
    let on_body = {
        let form = form.clone();
        Callback::from(move |e: InputEvent| {
            let mut c = (*form).clone();
            c.body = e.target_unchecked_into::<HtmlTextAreaElement>().value();
            form.set(c);
        })
    };
    // The caller owns the clock and the randomness (the message crate has neither).
    let built = {
        let form = form.clone();
        move || {
            let f = &*form;
            let mut c = Compose {
                from: f.from.clone(),
                to: list(&f.to),
                cc: list(&f.cc),
                bcc: list(&f.bcc),
                subject: f.subject.clone(),
                body: f.body.clone(),
                ..Default::default()
            };
            let now = js_sys::Date::new_0();
            c.date_unix = (js_sys::Date::now() / 1000.0) as i64;
            c.date_offset_minutes = -(now.get_timezone_offset() as i32);
            c.message_id_seed = (js_sys::Math::random() * 9_007_199_254_740_991.0) as u64;
            c.host = "client.example".into();
            Rc::new(build(&c))
        }
    };
    let validate = {
        let dispatch = props.dispatch.clone();
        let built = built.clone();
        Callback::from(move |_: MouseEvent| dispatch.emit(Action::InspectBuilt(built())))
    };
    let play = {
        let dispatch = props.dispatch.clone();
        let open = props.transaction_open;
        Callback::from(move |_: MouseEvent| {
            if open && !crate::page::confirm(T::ConfirmRestart.get(lang)) {
                return;
            }
            dispatch.emit(Action::PlayBuilt(built()))
        })
    };
    let c = &*form;
    html! {
        <section class="panel compose" aria-labelledby="compose-title">
            <h2 id="compose-title">{ T::Compose.get(lang) }</h2>
            <div class="compose-grid">
                <label>{ "From" }<input type="text" value={c.from.clone()} oninput={field(|c, v| c.from = v)} /></label>
                <label>{ "To" }<input type="text" value={c.to.clone()} oninput={field(|c, v| c.to = v)} /></label>
                <label>{ "Cc" }<input type="text" value={c.cc.clone()} oninput={field(|c, v| c.cc = v)} /></label>
                <label>{ "Bcc" }<input type="text" value={c.bcc.clone()} oninput={field(|c, v| c.bcc = v)} /></label>
                <label class="wide">{ "Subject" }<input type="text" value={c.subject.clone()} oninput={field(|c, v| c.subject = v)} /></label>
                <label class="wide">{ T::BodyField.get(lang) }<textarea rows="4" value={c.body.clone()} oninput={on_body} /></label>
            </div>
            <p class="small">{ T::ComposeHelp.get(lang) }</p>
            <div class="row">
                <button type="button" onclick={validate}>{ T::BuildValidate.get(lang) }</button>
                <button type="button" class="primary" onclick={play}>{ T::BuildPlay.get(lang) }</button>
            </div>
        </section>
    }
}
