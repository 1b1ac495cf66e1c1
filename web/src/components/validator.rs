//! The message validator: a textbox ("Message") linted by `mailroom-message` while typing
//! (debounced), with the lines that have findings tinted and their spans marked in a
//! layer behind the text ([`crate::editor`]), the diagnostics ("Diagnostics", each
//! selects its span in the message), the decoded header fields (with the value as
//! written when decoding changed it), the MIME tree (each text part opens to its decoded
//! text) and, when the message came with an envelope, the envelope-vs-header comparison.
//! A message file (opened, or dropped on the panel) is linted as its own bytes, which a
//! paste cannot carry (bare LF, 8-bit charsets).

use crate::editor::editor_offset;
use crate::i18n::{Lang, T};
use crate::state::Inspect;
use mailroom_message::{crlf, lint, Envelope, LintOptions, MimeNode, Report, Severity};
use std::rc::Rc;
use web_sys::{Element, HtmlTextAreaElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The message handed over by the mailboxes or the compose form (the component is
    /// keyed by its `seq`, so a new hand-over starts afresh).
    pub inspect: Option<Rc<Inspect>>,
    pub lang: Lang,
    /// The text after each (debounced) change, for links and the autosave.
    pub on_text: Callback<String>,
    /// A message file's bytes, to be handed over (as a delivered message is).
    pub on_file: Callback<Vec<u8>>,
}

/// Files above this size are not opened in the page: the browser lays out the editor (a
/// textarea) and its highlight layer slowly (in headless Chromium here, a 1.95 MB
/// message showed its findings after 2.7 s, a 4.7 MB one after 7 to 10 s).
/// `mailroom lint` checks them. (T::FileTooBig says "2 MiB".)
const MAX_FILE_BYTES: f64 = 2.0 * 1024.0 * 1024.0;

/// Reads `file` and hands its bytes to `on_file`, or says why not.
fn read_file(file: web_sys::File, on_file: Callback<Vec<u8>>, on_error: Callback<T>) {
    if file.size() > MAX_FILE_BYTES {
        return on_error.emit(T::FileTooBig);
    }
    yew::platform::spawn_local(async move {
        match wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await {
            Ok(buf) => on_file.emit(js_sys::Uint8Array::new(&buf).to_vec()),
            Err(_) => on_error.emit(T::FileUnreadable),
        }
    });
}

const UPDATE_START: &str = "mailroom:validator-start";

/// A small message that walks the linter's main paths (header fields, an encoded word,
/// MIME with two parts) for the warm-up.
const WARM_UP: &str =
    "From: A <a@example.com>\nTo: b@example.com\nDate: Fri, 27 Nov 2026 10:00:00 +0000\n\
Subject: =?UTF-8?B?5pel5pys6Kqe?=\nMessage-ID: <1@example.com>\nMIME-Version: 1.0\n\
Content-Type: multipart/alternative; boundary=b\n\n--b\nContent-Type: text/plain; charset=utf-8\n\
Content-Transfer-Encoding: quoted-printable\n\nhi=20there\n--b\nContent-Type: text/html\n\
Content-Transfer-Encoding: base64\n\nPGI+aGk8L2I+\n--b--\n";

fn mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}

/// Measures from the last UPDATE_START to now (after the DOM was updated), once.
fn measure_update() {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        if p.get_entries_by_name(UPDATE_START).length() == 0 {
            return;
        }
        let _ = p.measure_with_start_mark("validator update", UPDATE_START);
        p.clear_marks_with_mark_name(UPDATE_START);
    }
}

/// Milliseconds of quiet typing before the message is checked again.
const DEBOUNCE_MS: u32 = 120;

/// A report and the bytes it is about (diagnostic offsets are into these bytes).
struct Checked {
    bytes: Vec<u8>,
    /// `bytes` is not UTF-8 (the editor shows it with U+FFFD): said above the report.
    not_utf8: bool,
    /// Detached from `bytes` (the report borrows its input), kept side by side.
    report: Report<'static>,
}

fn check(bytes: Vec<u8>, envelope: &Option<Envelope>) -> Rc<Checked> {
    let report = lint(
        &bytes,
        &LintOptions {
            envelope: envelope.clone(),
            ..LintOptions::default()
        },
    )
    .into_owned();
    Rc::new(Checked {
        not_utf8: std::str::from_utf8(&bytes).is_err(),
        bytes,
        report,
    })
}

#[function_component(Validator)]
pub fn validator(props: &Props) -> Html {
    let lang = props.lang;
    let envelope = props.inspect.as_ref().and_then(|i| i.envelope.clone());
    let report = {
        let (e, inspect) = (envelope.clone(), props.inspect.clone());
        use_state(move || {
            // A handed-over message is linted as its own bytes; editor text as CRLF lines.
            inspect
                .map(|i| i.bytes.clone().unwrap_or_else(|| crlf(&i.text)))
                .filter(|b| !b.is_empty())
                .map(|b| check(b, &e))
        })
    };
    let timer = use_mut_ref(|| None::<crate::page::Timer>);
    let area = use_node_ref();
    // The editor frame (its `stale` class hides the layer while the text is ahead of
    // the report) and the highlight layer behind the textarea.
    let (frame, layer) = (use_node_ref(), use_node_ref());
    {
        let (area, frame, layer) = (area.clone(), frame.clone(), layer.clone());
        // (When the report stays None, as when an empty editor is typed into and
        // emptied again, `stale` stays too: over an empty layer, which hides nothing.)
        use_effect_with(report.as_ref().map(Rc::as_ptr), move |_| {
            if let Some(f) = frame.cast::<Element>() {
                let _ = f.class_list().remove_1("stale");
            }
            // The update's time, lint and DOM together, as a Performance measure
            // ("validator update") that the e2e suite prints.
            measure_update();
            // Reading the textarea's scroll position lays the page out: done before the
            // next frame, where the browser lays it out anyway, not inside the update.
            crate::page::before_next_frame(move || align(&area, &layer));
        });
    }
    // WebAssembly functions are compiled on their first call: lint a tiny message once the
    // page is idle, so the first real update does not pay for compiling the linter.
    use_effect_with((), |_| {
        crate::page::after(50, || {
            let _ = check(crlf(WARM_UP), &None);
        });
    });
    // The textarea is not a controlled input: re-setting a large value on every render
    // is slow in the browser. Its text is set once, when a message is handed over.
    {
        let (area, on_text) = (area.clone(), props.on_text.clone());
        let inspect = props.inspect.clone();
        use_effect_with((), move |_| {
            if let (Some(el), Some(i)) = (area.cast::<HtmlTextAreaElement>(), inspect) {
                el.set_value(&i.text);
                // A handed-over message is the validator's text for links and the autosave.
                on_text.emit(i.text.clone());
            }
        });
    }

    let onscroll = {
        let (area, layer) = (area.clone(), layer.clone());
        Callback::from(move |_: Event| align(&area, &layer))
    };
    // The text was edited since the hand-over (it is no longer the message's own bytes).
    let edited = use_mut_ref(|| false);
    let oninput = {
        let frame = frame.clone();
        let edited = edited.clone();
        let report = report.clone();
        let envelope = envelope.clone();
        let timer = timer.clone();
        let on_text = props.on_text.clone();
        Callback::from(move |e: InputEvent| {
            *edited.borrow_mut() = true;
            // The marks are about the text as it was: hidden until it is checked again.
            if let Some(f) = frame.cast::<Element>() {
                let _ = f.class_list().add_1("stale");
            }
            let value = e.target_unchecked_into::<HtmlTextAreaElement>().value();
            let report = report.clone();
            let envelope = envelope.clone();
            let on_text = on_text.clone();
            // Replacing the timer cancels the previous check and frees its closure.
            *timer.borrow_mut() = Some(crate::page::Timer::new(DEBOUNCE_MS, move || {
                mark(UPDATE_START);
                report.set((!value.is_empty()).then(|| check(crlf(&value), &envelope)));
                on_text.emit(value);
            }));
        })
    };

    // Opening or dropping a file: its bytes go to the app, which hands them back as a new
    // message (this component starts afresh); a file it cannot take is said here.
    // The error and its number: each is a new alert (a repeated one too).
    let file_error = use_state(|| None::<(T, u32)>);
    let errors_seen = use_mut_ref(|| 0u32);
    let on_error = {
        let file_error = file_error.clone();
        Callback::from(move |t: T| {
            let n = {
                let mut seen = errors_seen.borrow_mut();
                *seen = seen.wrapping_add(1);
                *seen
            };
            file_error.set(Some((t, n)));
        })
    };
    let onchange = {
        let (on_file, on_error) = (props.on_file.clone(), on_error.clone());
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<web_sys::HtmlInputElement>();
            if let Some(f) = input.files().and_then(|l| l.get(0)) {
                read_file(f, on_file.clone(), on_error.clone());
            }
            // The same file can be chosen again (after editing it elsewhere).
            input.set_value("");
        })
    };
    let carries_files = |e: &DragEvent| {
        e.data_transfer()
            .is_some_and(|d| d.types().includes(&"Files".into(), 0))
    };
    let ondragover = Callback::from(move |e: DragEvent| {
        if carries_files(&e) {
            e.prevent_default();
        }
    });
    let ondrop = {
        let on_file = props.on_file.clone();
        Callback::from(move |e: DragEvent| {
            // Text dropped on the editor is inserted as usual; a file dropped anywhere on
            // the panel is opened (the first, if several), and never by the browser in
            // place of the page.
            if !carries_files(&e) {
                return;
            }
            e.prevent_default();
            if let Some(f) = e
                .data_transfer()
                .and_then(|d| d.files())
                .and_then(|l| l.get(0))
            {
                read_file(f, on_file.clone(), on_error.clone());
            }
        })
    };

    let select = |checked: &Rc<Checked>, start: usize, end: usize| {
        let (area, layer, checked) = (area.clone(), layer.clone(), checked.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(el) = area.cast::<HtmlTextAreaElement>() {
                let (s, e) = (
                    editor_offset(&checked.bytes, start, false),
                    editor_offset(&checked.bytes, end.max(start), true),
                );
                let _ = el.focus();
                let _ = el.set_selection_range(s, e.max(s));
                // Selecting does not scroll the editor: the finding is put a third of the
                // way down, where its line's block lies in the layer (same metrics); in a
                // line that wraps, as far down the block as it is along the line.
                let bytes = &checked.bytes;
                let (line, ls, le) = crate::editor::line_at(bytes, start);
                let block = layer.cast::<Element>().and_then(|l| {
                    l.query_selector(&format!("[data-line=\"{line}\"]"))
                        .ok()
                        .flatten()
                });
                if let Some(b) = block
                    .and_then(|b| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(b).ok())
                {
                    let at = |p| f64::from(editor_offset(bytes, p, false));
                    let along = (f64::from(s) - at(ls)) / (at(le) - at(ls)).max(1.0);
                    let y = f64::from(b.offset_top()) + along * f64::from(b.offset_height());
                    el.set_scroll_top(y as i32 - el.client_height() / 3);
                    align(&area, &layer);
                }
            }
        })
    };

    // Built once per report: the component also renders when the app does.
    let marks = use_memo(report.as_ref().map(Rc::as_ptr), {
        let report = report.clone();
        move |_| {
            report.as_ref().map(|checked| {
                let findings: Vec<_> = checked
                    .report
                    .diagnostics
                    .iter()
                    .map(|d| (d.start, d.end, d.severity))
                    .collect();
                highlight_layer(crate::editor::blocks(&checked.bytes, &findings))
            })
        }
    });
    let body = report.as_ref().map(|checked| {
        let r = &checked.report;
        let items = r.diagnostics.iter().map(|d| {
            let onclick = select(checked, d.start, d.end);
            html! {
                <li class={classes!("diag", d.severity.as_str())}>
                    <button type="button" class="diag-go" {onclick}>
                        <span class="badge">{ severity(d.severity).get(lang) }</span>
                        <code>{ d.rule }</code>
                        { format!(" {}:{} ", d.line, d.column) }
                        { lang.pick(&d.message, &d.message_ja).to_owned() }
                    </button>
                    <span class="rfc">{ format!(" {}", d.rfc) }</span>
                    if !d.hint.is_empty() {
                        <p class="hint">{ lang.pick(d.hint, d.hint_ja).to_owned() }</p>
                    }
                </li>
            }
        });
        let headers = r.headers.iter().map(|h| {
            // The value as written, when decoding changed more than the folding (encoded
            // words): unfolding alone would repeat every long Received or DKIM field.
            let raw = h.raw_value.trim_matches([' ', '\t', '\r', '\n']);
            let decoded_differs = raw
                .chars()
                .filter(|c| !matches!(c, '\r' | '\n'))
                .ne(h.decoded_value.chars());
            html! {
                <tr>
                    <th scope="row">{ h.name.clone() }</th>
                    <td>
                        <span class="decoded">{ h.decoded_value.clone() }</span>
                        if decoded_differs {
                            <span class="raw">{ T::AsWritten.get(lang) }<code>{ raw.to_owned() }</code></span>
                        }
                    </td>
                </tr>
            }
        });
        // The envelope belongs to the message handed over: once the text is another
        // message, the reader drops it. The text goes back to the app as a new hand-over
        // without an envelope (as a file's bytes are: the editor's lines as CRLF).
        let drop_envelope = {
            let (area, on_file, edited) = (area.clone(), props.on_file.clone(), edited.clone());
            // Unedited, the message's own bytes go back (its bare LFs, its 8-bit bytes).
            let own = props.inspect.as_ref().and_then(|i| i.bytes.clone());
            Callback::from(move |_: MouseEvent| {
                match (own.clone().filter(|_| !*edited.borrow()), area.cast::<HtmlTextAreaElement>()) {
                    (Some(bytes), _) => on_file.emit(bytes),
                    (None, Some(el)) => on_file.emit(crlf(&el.value())),
                    (None, None) => {}
                }
            })
        };
        let comparison = r.envelope_comparison.as_ref().map(|c| {
            let mark = |b: bool| if b { "✓" } else { "—" };
            let rows = c.recipients.iter().map(|row| {
                html! {
                    <tr class={classes!((row.rcpt_to != (row.to || row.cc || row.bcc)).then_some("differs"))}>
                        <td><code>{ row.address.clone() }</code></td>
                        <td>{ mark(row.rcpt_to) }</td><td>{ mark(row.to) }</td>
                        <td>{ mark(row.cc) }</td><td>{ mark(row.bcc) }</td>
                    </tr>
                }
            });
            html! {
                <>
                <h3>{ T::EnvelopeVsHeader.get(lang) }</h3>
                <p class="small">{ format!("MAIL FROM:<{}> · From: {}", c.mail_from, c.from_header.join(", ")) }</p>
                <table class="compare">
                    <thead><tr><th scope="col">{ T::Address.get(lang) }</th><th scope="col">{ "RCPT TO" }</th>
                        <th scope="col">{ "To:" }</th><th scope="col">{ "Cc:" }</th><th scope="col">{ "Bcc:" }</th></tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
                <button type="button" onclick={drop_envelope}>{ T::DropEnvelope.get(lang) }</button>
                </>
            }
        });
        let tree = r.mime.as_ref().map(|root| {
            let mut budget = MAX_TEXT_SHOWN;
            mime(root, lang, &mut budget)
        });
        html! {
            <>
            if checked.not_utf8 {
                <p class="small notice">{ T::NotUtf8.get(lang) }</p>
            }
            <p class="summary" role="status">{ summary(r, lang) }</p>
            <ul class="diagnostics" aria-label={ T::DiagnosticsLabel.get(lang) }>{ for items }</ul>
            { for comparison }
            <details>
                <summary>{ T::DecodedHeaders.get(lang) }</summary>
                <table class="headers"><tbody>{ for headers }</tbody></table>
            </details>
            if let Some(tree) = tree {
                <details>
                    <summary>{ T::MimeTree.get(lang) }</summary>
                    <ul class="mime">{ tree }</ul>
                </details>
            }
            </>
        }
    });
    html! {
        <section class="panel validator" aria-labelledby="validator-title" {ondragover} {ondrop}>
            <h2 id="validator-title">{ T::Validator.get(lang) }</h2>
            <p class="small open-file">
                <label>{ T::OpenFile.get(lang) }{ " " }<input type="file" {onchange} /></label>
            </p>
            if let Some((t, n)) = *file_error {
                <p key={n} class="small notice" role="alert">{ t.get(lang) }</p>
            }
            <div class="editor" ref={frame}>
                <div class="layer" ref={layer} aria-hidden="true">{ (*marks).clone() }</div>
                <textarea ref={area} aria-label={ T::MessageLabel.get(lang) } rows="10" spellcheck="false" {oninput}
                    {onscroll} placeholder={ T::MessagePlaceholder.get(lang) } />
            </div>
            // `if let`, not `{ for body }`: it keeps one placeholder child when there is no
            // report. Yew matches unkeyed children from the end, so a child appearing after
            // the editor would replace it (emptying it: its text is not a prop).
            if let Some(body) = body { { body } }
        </section>
    }
}

/// Scrolls the layer to where the textarea is scrolled.
fn align(area: &NodeRef, layer: &NodeRef) {
    if let (Some(a), Some(l)) = (area.cast::<Element>(), layer.cast::<Element>()) {
        l.set_scroll_top(a.scroll_top());
        l.set_scroll_left(a.scroll_left());
    }
}

/// The highlight layer's blocks: lines with findings tinted by their worst severity, the
/// findings' spans marked. The text itself is transparent (the textarea shows it).
fn highlight_layer(blocks: Vec<crate::editor::Block>) -> Html {
    let blocks = blocks.into_iter().map(|b| {
        // A line break at the very end of a block, or an empty block, takes no height
        // unless something follows it, where the textarea shows an (empty) line.
        let open_end = b
            .pieces
            .last()
            .is_none_or(|p| p.0.is_empty() || p.0.ends_with('\n'));
        let pieces = b.pieces.into_iter().map(|(text, sev)| match sev {
            Some(s) => html! { <mark class={ s.as_str() }>{ text }</mark> },
            None => html! { text },
        });
        // A line with findings carries its number: a click on a finding scrolls to it.
        let line = b.tint.map(|_| b.line.to_string());
        html! {
            <div class={ classes!(b.tint.map(|s| s.as_str())) } data-line={ line }>
                { for pieces }
                // Drawn after the text, out of the flow (styles.css `.eol`).
                if let Some(s) = b.eol { <mark class={ classes!("eol", s.as_str()) }></mark> }
                if open_end { { "\u{200b}" } }
            </div>
        }
    });
    html! { <>{ for blocks }</> }
}

fn severity(s: Severity) -> T {
    match s {
        Severity::Error => T::SevError,
        Severity::Warning => T::SevWarning,
        Severity::Info => T::SevInfo,
    }
}

/// "1 error · 2 warnings · 0 notes"; in Japanese "エラー 1 件 · 警告 2 件 · 情報 0 件",
/// as `mailroom lint` writes it (Japanese counts with 件, and has no plural).
fn summary(r: &Report<'_>, lang: Lang) -> String {
    let n = |s| mailroom_message::diag::count(&r.diagnostics, s);
    [
        (n(Severity::Error), T::SevError, T::Errors),
        (n(Severity::Warning), T::SevWarning, T::Warnings),
        (n(Severity::Info), T::SevInfo, T::Infos),
    ]
    .iter()
    .map(|&(n, one, many)| match lang {
        Lang::En => format!("{n} {}", if n == 1 { one } else { many }.get(lang)),
        Lang::Ja => format!("{} {n} 件", many.get(lang)),
    })
    // Findings over a rule's cap are counted, not listed (as `mailroom lint` says it).
    .chain(r.suppressed.iter().map(|x| match lang {
        Lang::En => x.message(),
        Lang::Ja => x.message_ja(),
    }))
    .collect::<Vec<_>>()
    .join(" · ")
}

/// At most this much decoded text (all parts together) is on the page: the report keeps
/// up to 1 MiB per part, and every update renders it again.
const MAX_TEXT_SHOWN: usize = 64 * 1024;

/// One MIME node and its children; `budget` is what is left of [`MAX_TEXT_SHOWN`].
fn mime(n: &MimeNode<'_>, lang: Lang, budget: &mut usize) -> Html {
    let mut label = n.content_type.to_string();
    if let Some(c) = &n.charset {
        label.push_str(&format!("; charset={c}"));
    }
    label.push_str(&format!(" · {} · {} B", n.transfer_encoding, n.size));
    if let Some(f) = &n.filename {
        label.push_str(&format!(" · {f}"));
    }
    // A text part as a reader sees it: transfer encoding and charset undone.
    let text = n.text.as_deref().filter(|t| !t.is_empty()).map(|t| {
        let (shown, cut) = crate::shorten::at_most(t, *budget);
        *budget -= shown.len();
        html! {
            <details class="part-text">
                <summary>{ format!("{} ({})", T::DecodedText.get(lang), n.content_type) }</summary>
                <pre tabindex="0" aria-label={ T::DecodedText.get(lang) }>{ shown.to_owned() }</pre>
                if cut || n.text_truncated {
                    <p class="small">{ T::TextCut.get(lang) }</p>
                }
            </details>
        }
    });
    let children: Vec<Html> = n.children.iter().map(|c| mime(c, lang, budget)).collect();
    html! {
        <li>
            <code>{ label }</code>
            { for text }
            if !children.is_empty() {
                <ul>{ for children }</ul>
            }
        </li>
    }
}
