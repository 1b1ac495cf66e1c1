//! The JS API module (crates/js): built for the browser with wasm-bindgen into
//! target/api-pkg, which Trunk copies to dist/api/ (index.html).

use crate::run;

pub fn build() -> Result<(), String> {
    println!("\n[build] the JS API module (crates/js) -> target/api-pkg");
    run::status(run::command("cargo").args([
        "build",
        "-p",
        "mailroom-js",
        "--target",
        "wasm32-unknown-unknown",
        "--release",
    ]))?;
    let root = run::root();
    let wasm = root.join("target/wasm32-unknown-unknown/release/mailroom_js.wasm");
    run::status(
        run::command("wasm-bindgen")
            // --weak-refs: a Session nobody holds is freed by the garbage collector.
            .args([
                "--target",
                "web",
                "--weak-refs",
                "--out-name",
                "mailroom",
                "--out-dir",
            ])
            .arg(root.join("target/api-pkg"))
            .arg(wasm),
    )
}
