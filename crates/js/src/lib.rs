//! Mailroom's core for pages that want to script it themselves: an ES module (built by
//! `cargo xtask` with wasm-bindgen into `api/mailroom.js` beside the playground).
//!
//! ```js
//! import init, { Session, lint, profiles } from './api/mailroom.js';
//! await init();
//! const s = new Session({ profile: 'foo-edu' });
//! s.output();                        // { wire: "220 foo.edu SMTP server ready\r\n", events: [...] }
//! s.feed('EHLO me.example\r\n');     // { wire: "250-foo.edu\r\n...", events: [{type: "reply", ...}] }
//! lint('Subject: hi\r\n\r\nbody\r\n').diagnostics.map((d) => d.rule);   // ["missing-date", ...]
//! ```
//! Events and reports are plain JavaScript objects (serde-wasm-bindgen, JSON-compatible):
//! the same fields as `mailroom session --trace` and `mailroom lint --format json`.

use mailroom_smtp::{profile, Config, Event, Mode};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// A panic (a bug) is reported on the console with its message, not as "unreachable".
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(console_error_panic_hook::hook));
}

/// `undefined`, `null`, or an object with only these keys (a typo is an error, not ignored).
fn known_keys(v: &JsValue, what: &str, keys: &[&str]) -> Result<(), JsError> {
    if v.is_undefined() || v.is_null() {
        return Ok(());
    }
    if !v.is_object() || js_sys::Array::is_array(v) {
        return Err(JsError::new(&format!(
            "{what}s: an object {{{}}}",
            keys.join(", ")
        )));
    }
    for key in js_sys::Object::keys(v.unchecked_ref::<js_sys::Object>()).iter() {
        let key = key.as_string().unwrap_or_default();
        if !keys.contains(&key.as_str()) {
            return Err(JsError::new(&format!(
                "unknown {what} \"{key}\" ({})",
                keys.join(", ")
            )));
        }
    }
    Ok(())
}

/// A time in ms since the epoch: a finite number, not negative.
fn time(v: f64, what: &str) -> Result<f64, JsError> {
    if v.is_finite() && v >= 0.0 {
        Ok(v)
    } else {
        Err(JsError::new(&format!(
            "{what}: a time in ms since the epoch (a number >= 0)"
        )))
    }
}

fn to_js<T: Serialize>(v: &T) -> Result<JsValue, JsError> {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&e.to_string()))
}

/// The bytes of a string (sent as UTF-8) or a Uint8Array.
fn bytes_of(input: &JsValue) -> Result<Vec<u8>, JsError> {
    if let Some(s) = input.as_string() {
        Ok(s.into_bytes())
    } else if input.is_instance_of::<js_sys::Uint8Array>() {
        Ok(js_sys::Uint8Array::new(input).to_vec())
    } else {
        Err(JsError::new("expected a string or a Uint8Array"))
    }
}

/// An SMTP or LMTP server session: feed it the client's bytes, read its replies and events.
#[wasm_bindgen]
pub struct Session {
    inner: mailroom_smtp::Session,
    now: f64,
}

/// The output since the last call: the reply bytes as text and the events in order.
#[derive(Serialize)]
struct Output {
    wire: String,
    events: Vec<Event>,
}

#[wasm_bindgen]
impl Session {
    /// `new Session({profile, lmtp, config, now})`; a bad profile or config throws with the
    /// key at fault.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<Session, JsError> {
        let get = |key: &str| -> JsValue {
            js_sys::Reflect::get(&options, &key.into()).unwrap_or(JsValue::UNDEFINED)
        };
        known_keys(&options, "option", &["profile", "lmtp", "config", "now"])?;
        let lmtp = match get("lmtp") {
            v if v.is_undefined() => false,
            v => v
                .as_bool()
                .ok_or_else(|| JsError::new("lmtp: true or false"))?,
        };
        let over = get("config");
        // `config.profile` picks the profile too (as `profile = ...` does in the CLI's
        // TOML config) when the `profile` option is not given; both must agree.
        let in_config = if over.is_object() {
            js_sys::Reflect::get(&over, &"profile".into()).unwrap_or(JsValue::UNDEFINED)
        } else {
            JsValue::UNDEFINED
        };
        let named = |v: JsValue, what: &str| {
            v.as_string()
                .ok_or_else(|| JsError::new(&format!("{what}: a profile name (see profiles())")))
        };
        let name = match (get("profile"), in_config) {
            (p, c) if p.is_undefined() && (c.is_undefined() || c.is_null()) => {
                if lmtp { "lmtp" } else { "everything" }.to_owned()
            }
            (p, c) if p.is_undefined() => named(c, "config.profile")?,
            (p, c) => {
                let p = named(p, "profile")?;
                if !(c.is_undefined() || c.is_null()) && named(c, "config.profile")? != p {
                    return Err(JsError::new(
                        "profile and config.profile name different profiles",
                    ));
                }
                p
            }
        };
        let mut config = profile::profile(&name)
            .ok_or_else(|| JsError::new(&format!("unknown profile \"{name}\"")))?;
        if !over.is_undefined() {
            config = merged(&config, over)?;
        }
        if lmtp {
            config.mode = Mode::Lmtp;
        }
        config.validate().map_err(|e| JsError::new(&e))?;
        let now = match get("now") {
            v if v.is_undefined() => js_sys::Date::now(),
            v => time(v.as_f64().unwrap_or(f64::NAN), "now")?,
        };
        Ok(Session {
            inner: mailroom_smtp::Session::new(config, now as u64),
            now,
        })
    }

    /// Client bytes (a string is sent as UTF-8; CRLF is not added). `now` in ms, optional:
    /// without it the session's clock moves one second per call.
    pub fn feed(&mut self, input: JsValue, now: Option<f64>) -> Result<JsValue, JsError> {
        let bytes = bytes_of(&input)?;
        self.now = match now {
            Some(t) => time(t, "now")?,
            None => self.now + 1000.0,
        };
        self.inner.handle_input(self.now as u64, &bytes);
        self.output()
    }

    /// What the session said since the last call (after `new`: the greeting).
    pub fn output(&mut self) -> Result<JsValue, JsError> {
        let wire = self.inner.poll_transmit().unwrap_or_default();
        let events = std::iter::from_fn(|| self.inner.poll_event()).collect();
        to_js(&Output {
            wire: String::from_utf8_lossy(&wire).into_owned(),
            events,
        })
    }

    /// Tells the session the time; past its deadline it says 421 and closes.
    pub fn tick(&mut self, now: f64) -> Result<JsValue, JsError> {
        self.now = time(now, "now")?;
        self.inner.handle_timeout(now as u64);
        self.output()
    }

    /// "Connected", "Greeted", "MailFrom", "RcptTo", "Data", "Bdat", "AuthExchange",
    /// "TlsNegotiation" or "Closed".
    #[wasm_bindgen(getter)]
    pub fn state(&self) -> String {
        self.inner.state().name().to_owned()
    }

    #[wasm_bindgen(getter)]
    pub fn closed(&self) -> bool {
        self.inner.is_closed()
    }

    /// The open transaction's envelope (reverse-path, recipients with their replies).
    pub fn envelope(&self) -> Result<JsValue, JsError> {
        to_js(self.inner.envelope())
    }

    /// The commands the client may send now, with their syntax.
    #[wasm_bindgen(js_name = nextCommands)]
    pub fn next_commands(&self) -> Result<JsValue, JsError> {
        to_js(&self.inner.next_commands())
    }

    /// When the server gives up waiting (ms since the epoch), or null.
    pub fn deadline(&self) -> Option<f64> {
        self.inner.poll_timeout().map(|t| t as f64)
    }
}

/// The profile's config with `over` laid on top, key by key.
fn merged(base: &Config, over: JsValue) -> Result<Config, JsError> {
    let base = to_js(base)?;
    let merged = merge(base, over)?;
    from_js(merged, "config")
}

/// Deserializes a JS value; the error names the key at fault (`config.limits.max_errors:
/// invalid type...`), which serde-wasm-bindgen alone does not track.
fn from_js<T: serde::de::DeserializeOwned>(v: JsValue, what: &str) -> Result<T, JsError> {
    serde_path_to_error::deserialize(serde_wasm_bindgen::Deserializer::from(v)).map_err(|e| {
        let path = e.path().to_string();
        let at = if path == "." {
            what.to_owned()
        } else {
            format!("{what}.{path}")
        };
        // serde-wasm-bindgen's errors print as JS errors ("Error: ...", and a string where
        // a list belongs fails inside the JS engine with a TypeError).
        let inner = e.inner().to_string();
        let inner = inner.strip_prefix("Error: ").unwrap_or(&inner);
        let inner = if inner.contains("called on non-object") {
            "invalid type: expected an array or an object"
        } else {
            inner
        };
        JsError::new(&format!("{at}: {inner}"))
    })
}

fn merge(base: JsValue, over: JsValue) -> Result<JsValue, JsError> {
    let plain = |v: &JsValue| v.is_object() && !js_sys::Array::is_array(v);
    if !(plain(&base) && plain(&over)) {
        return Ok(over);
    }
    let keys = js_sys::Object::keys(over.unchecked_ref::<js_sys::Object>());
    for key in keys.iter() {
        let o = js_sys::Reflect::get(&over, &key).map_err(|_| JsError::new("config"))?;
        let b = js_sys::Reflect::get(&base, &key).unwrap_or(JsValue::UNDEFINED);
        let v = merge(b, o)?;
        js_sys::Reflect::set(&base, &key, &v).map_err(|_| JsError::new("config"))?;
    }
    Ok(base)
}

/// Lints a message (a string or a Uint8Array). `options`: `{envelope: {mail_from, rcpt_to,
/// body, smtputf8}, findings_only}`, optional. Returns the report: diagnostics with rule,
/// severity, line, column, byte range, RFC, messages in English and Japanese and a hint;
/// the decoded headers; the MIME tree. With `findings_only: true` the headers are empty
/// and the tree is null (the same diagnostics, sooner).
#[wasm_bindgen]
pub fn lint(message: JsValue, options: JsValue) -> Result<JsValue, JsError> {
    let bytes = bytes_of(&message)?;
    known_keys(&options, "lint option", &["envelope", "findings_only"])?;
    if !(options.is_undefined() || options.is_null()) {
        let envelope =
            js_sys::Reflect::get(&options, &"envelope".into()).unwrap_or(JsValue::UNDEFINED);
        known_keys(
            &envelope,
            "envelope field",
            &["mail_from", "rcpt_to", "body", "smtputf8"],
        )?;
    }
    let options: mailroom_message::LintOptions = if options.is_undefined() || options.is_null() {
        Default::default()
    } else {
        from_js(options, "options")?
    };
    to_js(&mailroom_message::lint(&bytes, &options))
}

/// The server profiles: `[{name, title_en, title_ja}]`.
#[wasm_bindgen]
pub fn profiles() -> Result<JsValue, JsError> {
    #[derive(Serialize)]
    struct P {
        name: &'static str,
        title_en: &'static str,
        title_ja: &'static str,
    }
    let list: Vec<P> = profile::PROFILES
        .iter()
        .map(|p| P {
            name: p.name,
            title_en: p.title_en,
            title_ja: p.title_ja,
        })
        .collect();
    to_js(&list)
}
