//! Runs every dialogue fixture in `dialogues/` against the session.
#![cfg(not(target_arch = "wasm32"))]

use mailroom_smtp::transcript::Fixture;
use std::path::Path;

#[test]
fn every_dialogue_fixture_passes() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("dialogues");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .expect("dialogues folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    names.sort();
    assert!(names.len() >= 15, "only {} fixtures found", names.len());
    let mut failures = Vec::new();
    for path in &names {
        let text = std::fs::read_to_string(path).expect("readable fixture");
        let result = Fixture::parse(&text).and_then(|f| f.run().map(|_| ()));
        if let Err(m) = result {
            failures.push(format!(
                "{}: {m}",
                path.file_name().unwrap_or_default().to_string_lossy()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} fixtures failed:\n{}",
        failures.len(),
        names.len(),
        failures.join("\n")
    );
}

#[test]
fn a_wrong_expectation_is_reported_with_its_line() {
    let f = Fixture::parse(
        "! profile foo-edu\nS: 220 foo.edu SMTP server ready\nC: NOOP\nS: 250 Nope\n",
    )
    .expect("parses");
    let err = f.run().expect_err("must not pass");
    assert_eq!(err.line, 4);
    assert!(err.message.contains("250 OK"), "{}", err.message);
}

#[test]
fn the_browser_test_runs_every_fixture_too() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let wasm = std::fs::read_to_string(dir.join("tests/wasm.rs")).expect("tests/wasm.rs");
    for entry in std::fs::read_dir(dir.join("dialogues"))
        .expect("dialogues")
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        assert!(
            wasm.contains(&format!("../dialogues/{name}")),
            "tests/wasm.rs does not include dialogues/{name}"
        );
    }
}

/// Every fixture's client writes, replayed and written back out with `transcript::record`,
/// make a fixture that passes: "copy as fixture" round-trips, bare LF and all.
#[test]
fn a_recorded_dialogue_written_as_a_fixture_passes() {
    use mailroom_smtp::transcript::{record, Step};
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("dialogues");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).expect("dialogues").flatten() {
        let text = std::fs::read_to_string(entry.path()).expect("fixture");
        let fixture = Fixture::parse(&text).expect("parses");
        let config = fixture.config().expect("config");
        // The client's writes as the original fixture batches them.
        let mut writes: Vec<Vec<u8>> = Vec::new();
        let mut batch = Vec::new();
        for (_, step) in &fixture.steps {
            match step {
                Step::Client(b) => batch.extend_from_slice(b),
                _ if !batch.is_empty() => writes.push(std::mem::take(&mut batch)),
                _ => {}
            }
        }
        if !batch.is_empty() {
            writes.push(batch);
        }
        let written = record(&config, &writes);
        let name = entry.file_name().to_string_lossy().into_owned();
        let again = Fixture::parse(&written).unwrap_or_else(|m| panic!("{name}: {m}\n{written}"));
        assert_eq!(
            again.config().expect("config"),
            config,
            "{name}: config round trip"
        );
        if let Err(m) = again.run() {
            panic!("{name}: {m}\n{written}");
        }
        checked += 1;
    }
    assert!(checked >= 15);
}

#[test]
fn malformed_fixture_lines_are_errors_not_panics() {
    for text in [
        "日本語の行\n",
        "x日\n",
        "! limit max_recipients=99999999999\n",
    ] {
        let r = Fixture::parse(text).and_then(|f| f.config());
        assert!(r.is_err(), "{text:?} was accepted");
    }
}
