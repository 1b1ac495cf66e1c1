//! The session's state machine as SVG: exactly the core's states and legal edges
//! (`State::ALL`, `State::edges()`), the current state lit, the last transition labelled
//! with its cause and RFC section, and the session flags.

use crate::decimal::tenths;
use crate::i18n::{Lang, T};
use crate::state::{Playground, Transition};
use mailroom_smtp::State;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub playground: UseReducerHandle<Playground>,
    pub lang: Lang,
}

const W: f64 = 640.0;
const H: f64 = 330.0;
const RX: f64 = 56.0;
const RY: f64 = 18.0;

/// Where each state is drawn (layout only; which states and edges exist is the core's).
fn position(s: State) -> (f64, f64) {
    match s {
        State::Connected => (70.0, 150.0),
        State::Greeted => (220.0, 150.0),
        State::MailFrom => (370.0, 150.0),
        State::RcptTo => (520.0, 150.0),
        State::Data => (470.0, 50.0),
        State::Bdat => (580.0, 250.0),
        State::AuthExchange => (290.0, 50.0),
        State::TlsNegotiation => (110.0, 50.0),
        State::Closed => (300.0, 300.0),
    }
}

/// A curved edge from the border of one ellipse to the border of the other; the pair
/// a->b / b->a bend to opposite sides so both stay visible. Returns the path and the
/// label anchor.
fn edge_path(a: State, b: State) -> (String, (f64, f64)) {
    let (x1, y1) = position(a);
    let (x2, y2) = position(b);
    let (dx, dy) = (x2 - x1, y2 - y1);
    let len = (dx * dx + dy * dy).sqrt().max(1.0);
    let (nx, ny) = (-dy / len, dx / len);
    let bend = if b == State::Closed { 0.0 } else { 22.0 };
    let (cx, cy) = ((x1 + x2) / 2.0 + nx * bend, (y1 + y2) / 2.0 + ny * bend);
    let trim = |x: f64, y: f64, tx: f64, ty: f64| {
        let (vx, vy) = (tx - x, ty - y);
        let t = 1.0 / ((vx / RX).powi(2) + (vy / RY).powi(2)).sqrt().max(1e-6);
        (x + vx * t.min(1.0), y + vy * t.min(1.0))
    };
    let (sx, sy) = trim(x1, y1, cx, cy);
    let (ex, ey) = trim(x2, y2, cx, cy);
    let d = format!(
        "M{},{} Q{},{} {},{}",
        tenths(sx),
        tenths(sy),
        tenths(cx),
        tenths(cy),
        tenths(ex),
        tenths(ey)
    );
    (d, (cx, cy))
}

#[function_component(Diagram)]
pub fn diagram(props: &Props) -> Html {
    let lang = props.lang;
    let p = &*props.playground;
    let current = p.state();
    let last = p.last_transition.as_ref();
    let is_last = |a: State, b: State| last.is_some_and(|t| t.from == a && t.to == b);

    let edges = State::edges().into_iter().map(|(a, b)| {
        let (d, _) = edge_path(a, b);
        let class = classes!(
            "edge",
            (b == State::Closed).then_some("to-closed"),
            is_last(a, b).then_some("last")
        );
        let title = format!("{} → {}", a.name(), b.name());
        html! {
            <path class={class} d={d} marker-end="url(#arrow)" data-from={a.name()} data-to={b.name()}>
                <title>{ title }</title>
            </path>
        }
    });
    let nodes = State::ALL.iter().map(|&s| {
        let (x, y) = position(s);
        let class = classes!("node", (s == current).then_some("current"));
        html! {
            <g class={class} data-state={s.name()}>
                <ellipse cx={tenths(x)} cy={tenths(y)} rx={tenths(RX)} ry={tenths(RY)} />
                <text x={tenths(x)} y={tenths(y + 5.0)} text-anchor="middle">{ s.name() }</text>
            </g>
        }
    });
    let label = last.map(|t| {
        let (_, (x, y)) = edge_path(t.from, t.to);
        let text = format!("{} · {}", short(&t.cause), t.rfc);
        html! {
            <text class="edge-label" x={tenths(x)} y={tenths(y - 6.0)} text-anchor="middle">{ text }</text>
        }
    });
    let aria = format!(
        "Session state: {}. {}",
        current.name(),
        last.map(describe).unwrap_or_default()
    );
    let flags = p.session.flags();
    let flag = |name: &'static str, on: bool| {
        html! {
            <li class={classes!("flag", on.then_some("on"))}>
                { name }{ ": " }<strong>{ if on { T::On.get(lang) } else { T::Off.get(lang) } }</strong>
            </li>
        }
    };
    html! {
        <section class="panel diagram" aria-labelledby="diagram-title">
            <h2 id="diagram-title">{ T::Diagram.get(lang) }</h2>
            <svg viewBox={format!("0 0 {} {}", tenths(W), tenths(H))} role="img" aria-label={aria}>
                <defs>
                    <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                        <path d="M0,0 L10,5 L0,10 z" />
                    </marker>
                </defs>
                { for edges }
                { for nodes }
                { for label }
            </svg>
            <p class="last-transition">
                <strong>{ T::LastTransition.get(lang) }{ ": " }</strong>
                { last.map(describe).unwrap_or_else(|| T::NoTransition.get(lang).to_owned()) }
            </p>
            <h3>{ T::Flags.get(lang) }</h3>
            <ul class="flags">
                { flag("ESMTP", flags.esmtp) }
                { flag("LMTP", flags.lmtp) }
                { flag("TLS", flags.tls) }
                { flag("AUTH", flags.authenticated) }
                { flag("ENHANCEDSTATUSCODES", flags.enhanced) }
                { flag("SMTPUTF8", flags.smtputf8) }
                <li class="flag on">{ "BODY=" }<strong>{ flags.body.as_str() }</strong></li>
            </ul>
        </section>
    }
}

fn describe(t: &Transition) -> String {
    format!(
        "{} → {}: {} ({}, {})",
        t.from.name(),
        t.to.name(),
        short(&t.cause),
        t.rfc,
        t.rule
    )
}

/// Causes are command lines: keep the label short enough for the picture.
fn short(cause: &str) -> String {
    if cause.chars().count() > 40 {
        let mut s: String = cause.chars().take(39).collect();
        s.push('…');
        s
    } else {
        cause.to_owned()
    }
}
