//! UI strings in English and Japanese. Texts that explain the protocol come from the core
//! (each reply, warning and rule carries both languages); this module holds only the
//! playground's own labels.

/// The UI language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Ja,
}

impl Lang {
    /// Picks one of a pair of texts the core provides in both languages.
    pub fn pick<'a>(self, en: &'a str, ja: &'a str) -> &'a str {
        match self {
            Lang::En => en,
            Lang::Ja if ja.is_empty() => en,
            Lang::Ja => ja,
        }
    }

    /// The `lang` attribute value.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ja => "ja",
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Ja,
            Lang::Ja => Lang::En,
        }
    }
}

macro_rules! texts {
    ($( $key:ident => $en:expr, $ja:expr; )*) => {
        /// A UI label.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum T { $( $key, )* }

        impl T {
            pub const ALL: &'static [T] = &[ $( T::$key, )* ];

            /// Read from a table by position (a `match` over every label compiled to
            /// 0.8 KB gzip more of the page).
            pub fn get(self, lang: Lang) -> &'static str {
                const TEXTS: &[[&str; 2]] = &[ $( [$en, $ja], )* ];
                TEXTS
                    .get(self as usize)
                    .and_then(|pair| pair.get(lang as usize))
                    .copied()
                    .unwrap_or_default()
            }
        }
    };
}

texts! {
    Tagline => "Talk to a simulated SMTP server and watch how mail travels.",
        "模擬 SMTP サーバーと対話して、メールの届き方を見てみましょう。";
    Language => "日本語", "English";
    Share => "Share and export", "共有とエクスポート";
    CopyLink => "Copy link", "リンクをコピー";
    CopyFixture => "Copy as test fixture", "テスト用フィクスチャとしてコピー";
    DownloadText => "Download text", "テキストで保存";
    DownloadMarkdown => "Download Markdown", "Markdown で保存";
    DownloadJson => "Download JSON", "JSON で保存";
    ExportOutput => "Export", "エクスポート";
    LinkReady => "Link copied (it holds the settings, the session and the validator's text).",
        "リンクをコピーしました（設定、セッション、検証中のテキストを含みます）。";
    LinkSettingsOnly => "The session is too large for a link: the link holds the settings and the validator's text only.",
        "セッションが大きすぎるため、リンクには設定と検証中のテキストだけを含めました。";
    FixtureReady => "Fixture copied: it passes the core's dialogue tests (crates/smtp/dialogues).",
        "フィクスチャをコピーしました。コアの対話テスト（crates/smtp/dialogues）にそのまま使えます。";
    FixtureTooLarge => "The session is too large to write as a fixture.",
        "セッションが大きすぎるためフィクスチャにできません。";
    LinkBroken => "This link could not be opened, so the default playground is shown:",
        "このリンクは開けなかったため、既定のプレイグラウンドを表示しています：";
    AutosaveBroken => "The autosaved session could not be restored and was reset:",
        "自動保存されたセッションを復元できなかったため、リセットしました：";
    Dismiss => "Dismiss", "閉じる";
    OpenFull => "Open in full playground", "フル機能のプレイグラウンドで開く";
    Pause => "Pause", "一時停止";
    Play => "Play", "再生";
    PresentKeys => "Space or → next step, ← back", "Space または → で次へ、← で戻る";
    LanguageLabel => "Switch the interface to Japanese", "英語表示に切り替える（Switch the interface to English）";
    Session => "Session", "セッション";
    CommandPlaceholder => "EHLO client.example", "EHLO client.example";
    DataPlaceholder => "a message line, sent as is", "本文の 1 行（そのまま送信）";
    Suggestions => "Commands you may send now", "今送れるコマンド";
    DataMode => "DATA mode: the server reads message content until a line with only \".\"",
        "DATA モード：サーバーは「.」だけの行まで本文として読みます";
    MessageData => "Message data", "メッセージデータ";
    TranscriptLabel => "Transcript", "やり取りの記録";
    CommandLabel => "Command", "コマンド";
    MessageLabel => "Message", "メッセージ";
    DiagnosticsLabel => "Diagnostics", "診断結果";
    EndWithDot => "Send and end with \".\"", "送信して「.」で終える";
    HeldPaste => "A large paste is kept out of the editor so the page stays quick; it is sent as pasted:",
        "大きな貼り付けはページを軽く保つためエディターの外に保持し、そのまま送信します：";
    Discard => "Discard", "破棄";
    StuffedPreview => "On the wire (lines starting with \".\" get one more dot, RFC 5321 4.5.2):",
        "送信される形（「.」で始まる行にはドットが 1 つ足されます、RFC 5321 4.5.2）：";
    StuffedDot => "transparency dot: the server removes it (RFC 5321 4.5.2)",
        "透過性のためのドット：サーバーが取り除きます（RFC 5321 4.5.2）";
    EndOfData => "end of data", "データの終わり";
    GroupEnd => "end of a command group: the server flushes these replies (RFC 2920)",
        "コマンドグループの終わり：サーバーはここまでの応答を送ります（RFC 2920）";
    ContentReceived => "message content received", "本文を受信";
    ChunkReceived => "BDAT chunk received", "BDAT チャンクを受信";
    Octets => "octets", "オクテット";
    DeliveredAs => "delivered, see Mailboxes:", "配送済み（メールボックス参照）：";
    Sending => "Sending a large write, left:", "大きなデータを送信中。残り：";
    Elided => "more content lines (not shown)", "行の本文（省略）";
    Unread => "lines sent after the connection closed (never read)", "行は接続終了後に送られたため読まれません";
    Closed => "The connection is closed. Restart the session to continue.",
        "接続は閉じています。続けるにはセッションを再開してください。";
    Restarted => "A new session started.", "新しいセッションを開始しました。";
    Restart => "Restart session", "セッションを再開";
    Warning => "warning", "警告";
    ClassOk => "ok", "成功";
    ClassGoOn => "go on", "続行";
    ClassLater => "try later", "一時エラー";
    ClassError => "error", "エラー";
    Diagram => "State machine", "状態遷移";
    SessionState => "Session state", "Session state";
    Current => "current", "現在";
    LastTransition => "Last transition", "直前の遷移";
    NoTransition => "No transition yet.", "まだ遷移はありません。";
    Flags => "Flags", "フラグ";
    On => "on", "オン";
    Off => "off", "オフ";
    Envelope => "Envelope", "エンベロープ";
    CurrentTransaction => "Open transaction", "進行中のトランザクション";
    LastTransaction => "Last finished transaction", "直前に完了したトランザクション";
    NoTransaction => "No transaction yet: send MAIL FROM.", "トランザクションはまだありません。MAIL FROM を送ってください。";
    ReversePath => "Reverse-path (MAIL FROM)", "reverse-path（MAIL FROM）";
    NullPath => "<> (null reverse-path)", "<>（空の reverse-path）";
    Recipient => "Forward-path (RCPT TO)", "forward-path（RCPT TO）";
    Parameters => "Parameters", "パラメータ";
    RcptReply => "RCPT reply", "RCPT 応答";
    Status => "Status", "状態";
    Accepted => "accepted", "受付";
    Refused => "refused", "拒否";
    Result => "After the data", "データ後の結果";
    LmtpResults => "LMTP: one reply per accepted recipient (RFC 2033 4.2)",
        "LMTP：受け付けた受信者ごとの応答（RFC 2033 4.2）";
    SmtpResult => "SMTP: one reply for all recipients", "SMTP：全受信者に 1 つの応答";
    Body => "Body", "本文の種類";
    DeclaredSize => "Declared SIZE", "宣言サイズ";
    Settings => "Server settings", "サーバー設定";
    Profile => "Profile", "プロファイル";
    Mode => "Mode", "モード";
    MaxRecipients => "Max recipients", "最大受信者数";
    MaxErrors => "Max errors before 421", "421 までの最大エラー数";
    MaxMessageSize => "Max message size (octets)", "最大メッセージサイズ（オクテット）";
    Mailboxes => "Mailboxes", "メールボックス";
    MailboxesHelp => "One a line: address [ok|unknown|over-quota|over-quota-at-data|full|disabled]. None: accept every valid recipient.",
        "1 行に 1 つ：アドレス [ok|unknown|over-quota|over-quota-at-data|full|disabled]。空なら有効な宛先をすべて受け付けます。";
    Faults => "Fault rules", "障害ルール";
    FaultsHelp => "One a line, e.g. \"on RCPT matching *@spam.example reply 550 5.7.1 Blocked\" or \"close after 5 commands\".",
        "1 行に 1 つ。例：「on RCPT matching *@spam.example reply 550 5.7.1 Blocked」「close after 5 commands」";
    StrictPipelining => "Strict pipelining (refuse clients that do not wait, 554 5.5.0)",
        "厳格なパイプライン（待たないクライアントを 554 5.5.0 で拒否）";
    BareLfNormalize => "Bare LF: normalize instead of reject", "裸の LF：拒否せず正規化";
    Lenient => "Lenient syntax (accept what Postfix accepts)", "寛容な構文（Postfix 相当）";
    Apply => "Apply and restart", "適用して再開";
    ConfirmRestart => "A transaction is open. Start a new session anyway?",
        "トランザクションの途中です。新しいセッションを始めますか？";
    Scenarios => "Guided scenarios", "ガイド付きシナリオ";
    Scenario => "Scenario", "シナリオ";
    Start => "Start", "開始";
    NextStep => "Next step", "次のステップ";
    StopScenario => "Leave scenario", "シナリオを終了";
    Step => "Step", "ステップ";
    Of => "of", "/";
    AllSent => "all steps sent", "全ステップ送信済み";
    UnknownScenario => "There is no scenario with the id", "次の ID のシナリオはありません:";
    ScenarioUnavailable => "The scenario could not be loaded:", "シナリオを読み込めませんでした:";
    ScenarioDone => "The scenario is complete. Keep typing, or pick another one.",
        "シナリオは終わりです。続けて入力するか、別のシナリオを選んでください。";
    NextSends => "Next, the client sends:", "次にクライアントが送るもの：";
    MailboxesPanel => "Delivered messages", "配送されたメッセージ";
    NoMail => "Nothing delivered yet.", "まだ配送されたメッセージはありません。";
    Clear => "Empty the mailboxes", "メールボックスを空にする";
    From => "from", "差出人";
    To => "to", "宛先";
    Validate => "Validate", "検証";
    Validator => "Validator", "検証";
    MessagePlaceholder => "Paste a message (header, blank line, body) to check it.",
        "メッセージ（ヘッダー、空行、本文）を貼り付けて検査します。";
    OpenFile => "Open a message file (.eml), or drop one on the editor:",
        "メッセージファイル（.eml）を開くか、エディタにドロップしてください：";
    FileTooBig => "This file is larger than the page checks (2 MiB); check it with the command line: mailroom lint FILE",
        "このファイルはページで検査できる大きさ（2 MiB）を超えています。コマンドラインの mailroom lint FILE で検査してください。";
    FileUnreadable => "The file could not be read.", "ファイルを読み込めませんでした。";
    NotUtf8 => "This message has bytes that are not UTF-8: the editor shows them as \u{FFFD}, and the diagnostics are about the original bytes until you edit it.",
        "このメッセージには UTF-8 でないバイトがあります。エディタでは \u{FFFD} と表示され、編集するまで診断は元のバイトについてのものです。";
    Errors => "errors", "エラー";
    SevError => "error", "エラー";
    SevWarning => "warning", "警告";
    SevInfo => "note", "情報";
    Warnings => "warnings", "警告";
    Infos => "notes", "情報";
    DecodedHeaders => "Header fields (decoded)", "ヘッダーフィールド（デコード済み）";
    MimeTree => "MIME structure", "MIME 構造";
    AsWritten => "as written: ", "元の表記：";
    DecodedText => "Decoded text", "テキスト（デコード済み）";
    TextCut => "The rest is left out (the page shows the first 64 KB of decoded text).",
        "以降は省略しています（デコード済みテキストは先頭 64 KB まで表示）。";
    EnvelopeVsHeader => "Envelope vs header", "エンベロープとヘッダー";
    DropEnvelope => "Check without this envelope", "このエンベロープなしでチェック";
    Address => "Address", "アドレス";
    Compose => "Compose", "メッセージ作成";
    BodyField => "Body", "本文";
    ComposeHelp => "Addresses separated by commas. The message gets Date, Message-ID, MIME-Version and encoded words for non-ASCII; Bcc is left out of the header.",
        "アドレスはカンマ区切り。Date・Message-ID・MIME-Version と非 ASCII のエンコードが付き、Bcc はヘッダーから除かれます。";
    BuildValidate => "Build and validate", "作成して検証";
    BuildPlay => "Build and send step by step", "作成して 1 ステップずつ送信";
    TraceFields => "Trace fields the server added (RFC 5321 4.4)", "サーバーが追加したトレースフィールド（RFC 5321 4.4）";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_read_from_their_own_row() {
        // The table is indexed by the label's and the language's position.
        assert_eq!(
            T::Tagline.get(Lang::En),
            "Talk to a simulated SMTP server and watch how mail travels."
        );
        assert_eq!(T::Language.get(Lang::Ja), "English");
        assert_eq!(T::AsWritten.get(Lang::Ja), "元の表記：");
        // The last label reads its own row (appending a label keeps this true).
        let last = T::ALL.last().copied().expect("labels");
        assert_eq!(last as usize, T::ALL.len() - 1);
        assert!(!last.get(Lang::Ja).is_empty() && last.get(Lang::En) != last.get(Lang::Ja));
    }

    #[test]
    fn every_label_exists_in_both_languages() {
        for t in T::ALL {
            assert!(!t.get(Lang::En).is_empty(), "{t:?}");
            assert!(!t.get(Lang::Ja).is_empty(), "{t:?}");
            // Every label is translated (Japanese text has non-ASCII characters), except an
            // SMTP command, the "/" of a step counter, and the diagram's accessible name,
            // which the tests and screen-reader users find by its fixed English start.
            let same_in_both = matches!(
                t,
                T::Language | T::CommandPlaceholder | T::Of | T::SessionState
            );
            assert!(
                same_in_both || !t.get(Lang::Ja).is_ascii(),
                "{t:?} is not translated"
            );
        }
        assert_eq!(Lang::Ja.pick("a", ""), "a");
        assert_eq!(Lang::En.other(), Lang::Ja);
    }
}
