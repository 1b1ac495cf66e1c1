//! Session events as JSON Lines (`session --trace`, `serve --trace-dir`).

use mailroom_smtp::Event;

/// One event as a JSON object with the wall-clock time it was seen, `at_ms`.
pub fn json_line(event: &Event, at_ms: u64) -> String {
    match serde_json::to_value(event) {
        Ok(mut v) => {
            if let Some(obj) = v.as_object_mut() {
                obj.insert("at_ms".into(), at_ms.into());
            }
            v.to_string()
        }
        // Events are plain data; this cannot fail, but a trace line must never panic.
        Err(e) => serde_json::json!({ "type": "trace_error", "error": e.to_string() }).to_string(),
    }
}

/// Milliseconds since the Unix epoch: the session's clock.
pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}
