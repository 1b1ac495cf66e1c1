//! Mailroom's playground: a Yew app over the core crates. Everything it shows (replies,
//! states, explanations) comes from `mailroom-smtp` / `mailroom-message`; the UI only lays
//! it out. `state`, `settings`, `scenario`, `i18n` and the small helpers are pure and
//! tested natively; the components are wasm-only.

pub mod decimal;
#[cfg(feature = "validator")]
pub mod editor;
pub mod export;
pub mod i18n;
pub mod params;
pub mod saved;
pub mod scenario;
pub mod settings;
pub mod shorten;
pub mod state;

#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
mod clipboard;
#[cfg(target_arch = "wasm32")]
mod components;
#[cfg(target_arch = "wasm32")]
mod idn;
#[cfg(target_arch = "wasm32")]
mod link;
#[cfg(target_arch = "wasm32")]
mod page;

/// Mounts the app on the page body (called by the bin target in the browser).
#[cfg(target_arch = "wasm32")]
pub fn start() {
    std::panic::set_hook(Box::new(app::panic_hook));
    mailroom_smtp::syntax::path::set_idn_checker(idn::browser_idn_is_valid);
    yew::Renderer::<app::App>::new().render();
}
