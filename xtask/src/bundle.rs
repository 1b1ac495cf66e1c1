//! Gzip sizes of the release build: what a reader's browser downloads.

use flate2::{write::GzEncoder, Compression};
use std::io::Write;
use std::path::Path;

/// Fail above this total (gzip): the first-load budget of the playground (issue 5).
pub const LIMIT: u64 = 300 * 1024;

pub struct Report {
    pub wasm: u64,
    pub js: u64,
    pub css: u64,
    pub total: u64,
}

impl Report {
    pub fn summary(&self) -> String {
        let kb = |n: u64| format!("{:.1} KB", n as f64 / 1024.0);
        format!(
            "gzip: wasm {} + js {} + css {} = {} (limit {})",
            kb(self.wasm),
            kb(self.js),
            kb(self.css),
            kb(self.total),
            kb(LIMIT)
        )
    }
}

pub fn report(dist: &Path) -> Result<Report, String> {
    let mut r = Report {
        wasm: 0,
        js: 0,
        css: 0,
        total: 0,
    };
    for path in first_load_files(dist)? {
        let Some(ext) = path.extension().and_then(|e| e.to_str()) else {
            continue;
        };
        let slot = match ext {
            "wasm" => &mut r.wasm,
            "js" => &mut r.js,
            "css" => &mut r.css,
            _ => continue,
        };
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        *slot += gzip_len(&bytes);
    }
    r.total = r.wasm + r.js + r.css;
    if r.wasm == 0 {
        return Err(format!("no .wasm file in {}", dist.display()));
    }
    println!("bundle: {}", r.summary());
    Ok(r)
}

/// What the playground's first load fetches: the files at the top of dist/ and the
/// wasm-bindgen snippets it imports; not the example pages or the JS API module (api/).
fn first_load_files(dist: &Path) -> Result<Vec<std::path::PathBuf>, String> {
    let list = |dir: &Path| -> Result<Vec<std::path::PathBuf>, String> {
        Ok(std::fs::read_dir(dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?
            .flatten()
            .map(|e| e.path())
            .collect())
    };
    let mut out = Vec::new();
    let mut dirs = vec![dist.join("snippets")];
    for path in list(dist)? {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_file() && !name.ends_with("-example.js") {
            out.push(path);
        }
    }
    while let Some(dir) = dirs.pop() {
        if !dir.is_dir() {
            continue;
        }
        for path in list(&dir)? {
            if path.is_dir() {
                dirs.push(path);
            } else {
                out.push(path);
            }
        }
    }
    Ok(out)
}

fn gzip_len(bytes: &[u8]) -> u64 {
    let mut e = GzEncoder::new(Vec::new(), Compression::best());
    let _ = e.write_all(bytes);
    e.finish()
        .map(|v| v.len() as u64)
        .unwrap_or(bytes.len() as u64)
}
