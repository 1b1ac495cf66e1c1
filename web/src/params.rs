//! The page's URL parameters: embed mode (`?embed=1&view=...`) for iframes in
//! documentation, presentation mode (`?present=1`) for talks, and the start scenario.
//!
//! `?embed=1&view=terminal|validator|diagram&scenario=ID&step=N&autoplay=1&theme=light|dark&lang=en|ja&readonly=1`
//! and `?present=1&scenario=ID&step=N`. Unknown or malformed values fall back to defaults.

use crate::i18n::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum View {
    #[default]
    Terminal,
    Validator,
    Diagram,
}

impl View {
    pub fn as_str(self) -> &'static str {
        match self {
            View::Terminal => "terminal",
            View::Validator => "validator",
            View::Diagram => "diagram",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PageParams {
    /// Compact layout of one view, for an iframe.
    pub embed: Option<View>,
    /// Large type, no chrome, keys step the scenario.
    pub present: bool,
    pub scenario: Option<String>,
    /// Scenario steps to send at once.
    pub step: usize,
    /// Send the scenario's steps one by one by themselves.
    pub autoplay: bool,
    pub theme: Option<Theme>,
    pub lang: Option<Lang>,
    /// No typing: the embed shows, the reader steps.
    pub readonly: bool,
}

impl PageParams {
    /// Reads `location.search` (with or without the leading `?`).
    pub fn parse(search: &str) -> PageParams {
        let mut p = PageParams::default();
        let mut embed = false;
        let mut view = View::default();
        for pair in search.trim_start_matches('?').split('&') {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let on = v == "1" || v == "true";
            match k {
                "embed" => embed = on,
                "present" => p.present = on,
                "view" => {
                    view = match v {
                        "validator" => View::Validator,
                        "diagram" => View::Diagram,
                        _ => View::Terminal,
                    }
                }
                "scenario" if !v.is_empty() => p.scenario = Some(v.to_owned()),
                "step" => p.step = v.parse().unwrap_or(0).min(1000),
                "autoplay" => p.autoplay = on,
                "theme" => {
                    p.theme = match v {
                        "light" => Some(Theme::Light),
                        "dark" => Some(Theme::Dark),
                        _ => None,
                    }
                }
                "lang" => {
                    p.lang = match v {
                        "ja" => Some(Lang::Ja),
                        "en" => Some(Lang::En),
                        _ => None,
                    }
                }
                "readonly" => p.readonly = on,
                _ => {}
            }
        }
        p.embed = embed.then_some(view);
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embed_parameters_are_read_and_bad_values_fall_back() {
        let p = PageParams::parse(
            "?embed=1&view=diagram&scenario=lmtp&step=3&autoplay=1&theme=dark&lang=ja&readonly=1",
        );
        assert_eq!(p.embed, Some(View::Diagram));
        assert_eq!(p.scenario.as_deref(), Some("lmtp"));
        assert_eq!((p.step, p.autoplay, p.readonly), (3, true, true));
        assert_eq!((p.theme, p.lang), (Some(Theme::Dark), Some(Lang::Ja)));
        let q = PageParams::parse("view=validator&step=x&theme=pink&lang=fr");
        assert_eq!(q.embed, None, "view alone is not embed mode");
        assert_eq!((q.step, q.theme, q.lang), (0, None, None));
        assert_eq!(PageParams::parse("embed=1").embed, Some(View::Terminal));
        assert!(PageParams::parse("?present=1").present);
    }
}
