//! The browser entry point Trunk builds.

fn main() {
    #[cfg(target_arch = "wasm32")]
    mailroom_web::start();
}
