//! Guided scenarios: pick one of the talk's dialogues, then send it one step at a time,
//! with each step's explanation in the current language.

use crate::i18n::{Lang, T};
use crate::scenario::{self, Scenario};
use crate::state::{Action, Playground};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub playground: UseReducerHandle<Playground>,
    pub dispatch: Callback<Action>,
    pub lang: Lang,
    /// Only the running scenario (embeds, presentations): no chooser, no stop button.
    #[prop_or_default]
    pub compact: bool,
}

#[function_component(ScenarioPanel)]
pub fn scenario_panel(props: &Props) -> Html {
    let lang = props.lang;
    // The list is the index: a scenario's file is fetched when it is started.
    let all = scenario::INDEX;
    let chosen = use_state(|| 0usize);
    let failed = use_state(|| None::<&'static str>);
    // A scenario's file is being fetched: a second Start meanwhile does nothing. (A flag,
    // not `disabled`: a disabled button would drop the keyboard focus.)
    let loading = use_mut_ref(|| false);
    let onchange = {
        let chosen = chosen.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            chosen.set(v.parse().unwrap_or(0));
        })
    };
    // The picker shows the running scenario (after a restore or a link too).
    {
        let chosen = chosen.clone();
        let running = props.playground.scenario.as_ref().map(|r| r.scenario.id);
        use_effect_with(running, move |running| {
            if let Some(i) = running.and_then(|id| all.iter().position(|s| s.0 == id)) {
                chosen.set(i);
            }
        });
    }
    let start = {
        let (chosen, failed, loading) = (chosen.clone(), failed.clone(), loading.clone());
        let dispatch = props.dispatch.clone();
        let open = props.playground.transaction_open();
        Callback::from(move |_: MouseEvent| {
            // Starting restarts the session: ask first when a transaction is open, as
            // "Apply and restart" does.
            if *loading.borrow() || open && !crate::page::confirm(T::ConfirmRestart.get(lang)) {
                return;
            }
            let Some(&(id, ..)) = all.get(*chosen) else {
                return;
            };
            loading.replace(true);
            let (dispatch, failed, loading) = (dispatch.clone(), failed.clone(), loading.clone());
            yew::platform::spawn_local(async move {
                match scenario::load(id).await {
                    Some(s) => {
                        failed.set(None);
                        dispatch.emit(Action::StartScenario(s));
                    }
                    None => failed.set(Some(id)),
                }
                loading.replace(false);
            });
        })
    };
    // When the last step is sent its button goes away: focus moves to "Leave scenario"
    // instead of falling to the page.
    let stop_ref = use_node_ref();
    let finished = props
        .playground
        .scenario
        .as_ref()
        .is_some_and(|r| r.finished());
    crate::page::use_focus_when(finished, stop_ref.clone());
    let options = all.iter().enumerate().map(|(i, (_, en, ja))| {
        html! { <option value={i.to_string()} selected={i == *chosen}>{ lang.pick(en, ja) }</option> }
    });
    let run = props.playground.scenario.as_ref().map(|run| {
        let s: &Scenario = &run.scenario;
        let next = {
            let dispatch = props.dispatch.clone();
            Callback::from(move |_: MouseEvent| dispatch.emit(Action::StepScenario))
        };
        let stop = {
            let dispatch = props.dispatch.clone();
            Callback::from(move |_: MouseEvent| dispatch.emit(Action::StopScenario))
        };
        let total = s.steps.len();
        let body = match s.steps.get(run.done) {
            Some(step) => {
                let wire = String::from_utf8_lossy(&step.bytes)
                    .split_inclusive("\r\n")
                    .map(|l| mailroom_smtp::transcript::escape(l.trim_end_matches("\r\n").as_bytes()))
                    .collect::<Vec<_>>()
                    .join("\n");
                html! {
                    <>
                    <p class="step-count">{ format!("{} {} {} {total}", T::Step.get(lang), run.done + 1, T::Of.get(lang)) }</p>
                    <p class="explain">{ lang.pick(&step.en, &step.ja).to_owned() }</p>
                    <p class="small">{ T::NextSends.get(lang) }</p>
                    <pre class="wire">{ wire }</pre>
                    <button type="button" class="primary" onclick={next}>{ T::NextStep.get(lang) }</button>
                    </>
                }
            }
            None => html! { <p class="explain" role="status">{ T::ScenarioDone.get(lang) }</p> },
        };
        html! {
            <div class="scenario-run" aria-live="polite">
                <h3>{ lang.pick(&s.title_en, &s.title_ja).to_owned() }</h3>
                <p>{ lang.pick(&s.intro_en, &s.intro_ja).to_owned() }</p>
                { body }
                if !props.compact {
                    <button type="button" ref={stop_ref.clone()} onclick={stop}>{ T::StopScenario.get(lang) }</button>
                }
            </div>
        }
    });
    html! {
        <section class="panel scenarios" aria-labelledby="scenarios-title">
            <h2 id="scenarios-title">{ T::Scenarios.get(lang) }</h2>
            if !props.compact {
                <div class="row">
                    <label>{ T::Scenario.get(lang) }{ " " }<select {onchange}>{ for options }</select></label>
                    <button type="button" onclick={start}>{ T::Start.get(lang) }</button>
                </div>
                if let Some(id) = *failed {
                    <p class="errors" role="alert">{ format!("{} {id}", T::ScenarioUnavailable.get(lang)) }</p>
                }
            }
            // A stable child (see the validator): the picker above keeps its state and focus
            // when a run appears.
            if let Some(run) = run { { run } }
        </section>
    }
}
