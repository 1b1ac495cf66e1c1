//! The catalogue of rules that decide replies, transitions and warnings.
//!
//! Every reply the server sends names one of these rules, so the UI can say *why*:
//! the RFC section and a one-sentence explanation in English and Japanese. The ids are
//! stable (tests, fixtures and the UI refer to them).

use crate::reply::Enhanced;

macro_rules! rules {
    ($( $variant:ident = $id:literal, $enh:expr, $rfc:literal, $en:literal, $ja:literal; )*) => {
        /// A rule of the protocol (or of Mailroom's policy) that decided an outcome.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Rule { $( $variant, )* }

        impl Rule {
            /// All rules, for documentation and the UI's glossary.
            pub const ALL: &'static [Rule] = &[ $( Rule::$variant, )* ];

            /// The rule with this id (events carry ids; the UI looks explanations up).
            pub fn by_id(id: &str) -> Option<Rule> {
                Rule::ALL.iter().copied().find(|r| r.id() == id)
            }

            /// Stable kebab-case id.
            pub const fn id(self) -> &'static str {
                match self { $( Rule::$variant => $id, )* }
            }
            /// The RFC and section the rule comes from.
            pub const fn rfc(self) -> &'static str {
                match self { $( Rule::$variant => $rfc, )* }
            }
            /// One-sentence explanation in English.
            pub const fn en(self) -> &'static str {
                match self { $( Rule::$variant => $en, )* }
            }
            /// One-sentence explanation in Japanese.
            pub const fn ja(self) -> &'static str {
                match self { $( Rule::$variant => $ja, )* }
            }
            /// The enhanced status code (RFC 3463) this rule's reply carries when
            /// ENHANCEDSTATUSCODES is in effect. The class is re-derived from the reply code.
            pub(crate) const fn enhanced(self) -> Option<Enhanced> {
                match self { $( Rule::$variant => $enh, )* }
            }
        }
    };
}

const fn e(c: u8, s: u16, d: u16) -> Option<Enhanced> {
    Some(Enhanced::new(c, s, d))
}
const N: Option<Enhanced> = None;

rules! {
    Greeting = "greeting", N, "RFC 5321 3.1",
        "The server speaks first: a 220 greeting opens the session; enhanced codes never appear on it.",
        "サーバーが先に 220 の挨拶を送ってセッションが始まります。挨拶には拡張ステータスコードを付けません。";
    EhloOk = "ehlo-ok", N, "RFC 5321 4.1.1.1",
        "EHLO succeeded: the first line names the server, the other lines list the SMTP extensions it supports.",
        "EHLO 成功。1 行目はサーバー名、残りの行はサーバーが対応する SMTP 拡張の一覧です。";
    HeloOk = "helo-ok", N, "RFC 5321 4.1.1.1",
        "HELO succeeded: a classic RFC 821 session with no extensions (no SIZE, PIPELINING or enhanced codes).",
        "HELO 成功。拡張のない従来の RFC 821 セッションです（SIZE、PIPELINING、拡張コードなし）。";
    LhloOk = "lhlo-ok", N, "RFC 2033 4.1",
        "LHLO is LMTP's EHLO: the reply lists the extensions; LMTP servers support PIPELINING and ENHANCEDSTATUSCODES.",
        "LHLO は LMTP 版の EHLO です。応答に拡張の一覧が並び、LMTP サーバーは PIPELINING と ENHANCEDSTATUSCODES に対応します。";
    MailOk = "mail-ok", e(2, 1, 0), "RFC 5321 4.1.1.2",
        "MAIL FROM starts a mail transaction and sets the reverse-path (where bounces go; may be null <>).",
        "MAIL FROM でメールトランザクションが始まり、リバースパス（エラー通知の返送先、空 <> も可）が決まります。";
    RcptOk = "rcpt-ok", e(2, 1, 5), "RFC 5321 4.1.1.3",
        "The recipient was accepted into the envelope; To/Cc/Bcc are not involved, only RCPT TO decides delivery.",
        "宛先がエンベロープに追加されました。配送先を決めるのは RCPT TO だけで、To/Cc/Bcc は関係しません。";
    Postmaster = "rcpt-postmaster", e(2, 1, 5), "RFC 5321 4.5.1",
        "Every SMTP server MUST accept mail for Postmaster at its domains, even when other mailboxes are unknown.",
        "SMTP サーバーは自ドメインの Postmaster 宛てのメールを必ず受け付けなければなりません。";
    DataStart = "data-start", N, "RFC 5321 4.1.1.4",
        "354: send the message now; it ends with a line holding only a dot (CRLF.CRLF). 3xx replies carry no enhanced code.",
        "354: メッセージを送ってください。ピリオドだけの行（CRLF.CRLF）で終わります。3xx 応答には拡張コードを付けません。";
    DataOk = "data-ok", e(2, 6, 0), "RFC 5321 4.1.1.4",
        "The message was accepted for all accepted recipients with one single reply (SMTP, unlike LMTP).",
        "受理された全宛先に対してメッセージを受け付けました。SMTP では応答は 1 つだけです（LMTP とは異なります）。";
    LmtpRecipient = "lmtp-recipient", e(2, 1, 5), "RFC 2033 4.2",
        "LMTP answers the end of data once per accepted recipient, in RCPT order: this reply is for one mailbox.",
        "LMTP はデータ終了に対し、受理された宛先ごとに RCPT の順で 1 つずつ応答します。これは 1 つのメールボックス分の応答です。";
    BdatOk = "bdat-ok", e(2, 0, 0), "RFC 3030 2",
        "BDAT sends the message in chunks of an exact byte count: no dot-stuffing and no end-of-data line.",
        "BDAT はバイト数を指定したチャンクでメッセージを送ります。ドットスタッフィングも終端行も不要です。";
    RsetOk = "rset-ok", e(2, 0, 0), "RFC 5321 4.1.1.5",
        "RSET aborts the current transaction (envelope and data are discarded); the session stays greeted.",
        "RSET で現在のトランザクションを破棄します（エンベロープとデータを捨てます）。挨拶済みの状態は続きます。";
    NoopOk = "noop-ok", e(2, 0, 0), "RFC 5321 4.1.1.9",
        "NOOP does nothing but ask for a 250 reply; it ends a pipelined command group.",
        "NOOP は何もせず 250 を返すだけです。パイプライン化されたコマンドのグループを終わらせます。";
    QuitOk = "quit", e(2, 0, 0), "RFC 5321 4.1.1.10",
        "QUIT: the server replies 221 and closes the connection.",
        "QUIT: サーバーは 221 を返して接続を閉じます。";
    Help = "help", e(2, 0, 0), "RFC 5321 4.1.1.8",
        "HELP returns information for a human reader.",
        "HELP は人が読むための案内を返します。";
    VrfyOk = "vrfy-ok", e(2, 1, 5), "RFC 5321 3.5.2",
        "VRFY found the mailbox and returns its address.",
        "VRFY でメールボックスが見つかり、そのアドレスを返します。";
    VrfyCannot = "vrfy-cannot", e(2, 5, 0), "RFC 5321 3.5.3",
        "252: the server will not verify the user but will accept mail for it and try to deliver.",
        "252: ユーザーの確認はしないが、メールは受け付けて配送を試みる、という意味です。";
    EtrnOk = "etrn-ok", e(2, 0, 0), "RFC 1985 5",
        "ETRN asks the server to start its queue for a node; this simulated server has nothing queued.",
        "ETRN はノード宛てのキューの配送開始を要求します。このシミュレーターにはキューがありません。";
    StartTlsOk = "starttls-ok", e(2, 0, 0), "RFC 3207 4",
        "220: TLS starts now. Afterwards the server MUST forget what it learned from the client, and the client SHOULD send EHLO again first: the extension list may change (RFC 3207 4.2).",
        "220: ここから TLS を開始します。その後サーバーはクライアントから得た情報を破棄しなければならず（MUST）、クライアントは最初に EHLO をやり直すべきです（SHOULD）。拡張一覧が変わることがあります（RFC 3207 4.2）。";
    AuthChallenge = "auth-challenge", N, "RFC 4954 4",
        "334: the server waits for the next SASL response line (base64); '*' cancels.",
        "334: 次の SASL 応答行（base64）を待っています。'*' で中止できます。";
    AuthOk = "auth-ok", e(2, 7, 0), "RFC 4954 6",
        "235: authentication succeeded.",
        "235: 認証に成功しました。";
    AuthFailed = "auth-failed", e(5, 7, 8), "RFC 4954 6",
        "535: the credentials were not accepted.",
        "535: 認証情報が受け付けられませんでした。";
    AuthCancelled = "auth-cancelled", e(5, 0, 0), "RFC 4954 4",
        "The client sent '*': the AUTH exchange is cancelled with 501.",
        "クライアントが '*' を送ったため、AUTH のやり取りは 501 で中止されました。";
    AuthBadBase64 = "auth-bad-base64", e(5, 5, 2), "RFC 4954 4",
        "The SASL response could not be decoded as base64: 501 and the exchange ends.",
        "SASL 応答を base64 として復号できませんでした。501 でやり取りを終えます。";
    AuthMechanism = "auth-mechanism", e(5, 5, 4), "RFC 4954 4",
        "504: the server does not offer this SASL mechanism.",
        "504: サーバーはこの SASL メカニズムを提供していません。";
    AuthEncryptionRequired = "auth-encryption-required", e(5, 7, 11), "RFC 4954 6",
        "538: this server allows plain-text passwords only inside TLS; send STARTTLS first.",
        "538: 平文パスワードは TLS の中でのみ許されます。先に STARTTLS を送ってください。";
    AuthTooLong = "auth-line-too-long", e(5, 5, 6), "RFC 4954 4",
        "An AUTH line longer than 12288 octets is refused with 500 5.5.6.",
        "12288 オクテットを超える AUTH 行は 500 5.5.6 で拒否されます。";
    NotImplemented = "not-implemented", e(5, 5, 1), "RFC 5321 4.2.4",
        "502: the command is known but this server does not implement or has disabled it.",
        "502: 既知のコマンドですが、このサーバーでは実装されていないか無効です。";
    BadSequence = "bad-sequence", e(5, 5, 1), "RFC 5321 4.1.4",
        "503: the command is valid but not now; out-of-sequence commands MUST get 503.",
        "503: コマンドは正しいが今は使えません。順序違いのコマンドには必ず 503 を返します。";
    NeedHelo = "need-helo", e(5, 5, 1), "RFC 5321 4.1.4",
        "A session must start with EHLO or HELO (LHLO in LMTP) before a mail transaction.",
        "メールトランザクションの前に EHLO または HELO（LMTP では LHLO）が必要です。";
    NestedMail = "nested-mail", e(5, 5, 1), "RFC 5321 3.3",
        "A transaction is already open: MAIL may not be sent again until RSET or the end of data.",
        "トランザクションが既に始まっています。RSET かデータ終了までは MAIL を再送できません。";
    NeedMail = "need-mail", e(5, 5, 1), "RFC 5321 3.3",
        "RCPT (and DATA) need a MAIL command first.",
        "RCPT（と DATA）の前に MAIL コマンドが必要です。";
    NeedRcpt = "need-rcpt", e(5, 5, 1), "RFC 5321 3.3",
        "DATA needs at least one accepted recipient (in LMTP this MUST be 503, RFC 2033 4.2).",
        "DATA の前に受理された宛先が 1 つ以上必要です（LMTP では必ず 503、RFC 2033 4.2）。";
    DataAfterBdat = "data-after-bdat", e(5, 5, 1), "RFC 3030 2",
        "DATA and BDAT cannot be mixed in one transaction; send RSET first.",
        "DATA と BDAT は同じトランザクションで混在できません。先に RSET を送ってください。";
    BinaryNeedsBdat = "binarymime-needs-bdat", e(5, 5, 1), "RFC 3030 3",
        "BODY=BINARYMIME messages MUST be sent with BDAT; DATA is refused with 503.",
        "BODY=BINARYMIME のメッセージは BDAT で送る必要があり、DATA は 503 で拒否されます。";
    Unrecognized = "unrecognized", e(5, 5, 2), "RFC 5321 4.2.2",
        "500: the server does not know this command.",
        "500: サーバーはこのコマンドを知りません。";
    LmtpNoHelo = "lmtp-no-helo", e(5, 5, 2), "RFC 2033 4.1",
        "LMTP has no HELO or EHLO: the client must greet with LHLO.",
        "LMTP には HELO も EHLO もありません。LHLO で挨拶してください。";
    SmtpNoLhlo = "smtp-no-lhlo", e(5, 5, 2), "RFC 2033 4.1",
        "LHLO belongs to LMTP; an SMTP server does not know it.",
        "LHLO は LMTP のコマンドで、SMTP サーバーは知りません。";
    SyntaxError = "syntax-error", e(5, 5, 4), "RFC 5321 4.1.2",
        "501: the arguments do not match the command's grammar.",
        "501: 引数がコマンドの文法に合っていません。";
    StrictColon = "syntax-space-around-colon", e(5, 5, 4), "RFC 5321 4.1.2",
        "RFC 5321 writes \"MAIL FROM:\" and \"RCPT TO:\" with no space around the colon; many servers tolerate it, strict ones do not.",
        "RFC 5321 では \"MAIL FROM:\" と \"RCPT TO:\" のコロンの前後に空白を入れません。多くのサーバーは許容しますが、厳格なサーバーは拒否します。";
    StrictBrackets = "syntax-angle-brackets", e(5, 5, 4), "RFC 5321 4.1.2",
        "A path MUST be inside angle brackets: MAIL FROM:<user@example.com>.",
        "パスは山括弧で囲む必要があります: MAIL FROM:<user@example.com>";
    BadSender = "bad-sender-address", e(5, 1, 7), "RFC 5321 4.1.2",
        "The reverse-path is not a valid RFC 5321 mailbox (local-part@domain, or <> for bounces).",
        "リバースパスが RFC 5321 のメールボックス（local-part@domain、エラー通知なら <>）として正しくありません。";
    BadRecipient = "bad-recipient-address", e(5, 1, 3), "RFC 5321 4.1.2",
        "The forward-path is not a valid RFC 5321 mailbox.",
        "フォワードパスが RFC 5321 のメールボックスとして正しくありません。";
    PathTooLong = "path-too-long", e(5, 1, 3), "RFC 5321 4.5.3.1.3",
        "Local-part is limited to 64 octets, a domain to 255 and a whole path to 256.",
        "ローカル部は 64 オクテット、ドメインは 255、パス全体は 256 オクテットまでです。";
    Utf8NeedsSmtputf8 = "utf8-address-without-smtputf8", e(5, 6, 7), "RFC 6531 3",
        "A non-ASCII address needs the SMTPUTF8 parameter on MAIL (and a server that advertises SMTPUTF8).",
        "ASCII 以外の文字を含むアドレスには MAIL の SMTPUTF8 パラメーター（とそれを広告するサーバー）が必要です。";
    UnknownParameter = "unknown-parameter", e(5, 5, 4), "RFC 5321 4.1.1.11",
        "555: the MAIL/RCPT parameter is not recognized or its extension was not advertised.",
        "555: MAIL/RCPT のパラメーターが認識できないか、その拡張が広告されていません。";
    BadParameter = "bad-parameter", e(5, 5, 4), "RFC 5321 4.1.1.11",
        "501: the parameter is known but its value is malformed.",
        "501: 既知のパラメーターですが値の形式が正しくありません。";
    SizeDeclaredTooBig = "size-declared-too-big", e(5, 3, 4), "RFC 1870 6.1",
        "The SIZE declared on MAIL exceeds the server's fixed maximum: 552 before any data is sent.",
        "MAIL で宣言された SIZE がサーバーの上限を超えているため、データ送信前に 552 を返します。";
    MessageTooBig = "message-too-big", e(5, 3, 4), "RFC 1870 6.3",
        "The data received exceeds the maximum message size: 552 after the data.",
        "受信したデータが最大メッセージサイズを超えたため、データの後に 552 を返します。";
    TooManyRecipients = "too-many-recipients", e(4, 5, 3), "RFC 5321 4.5.3.1.10",
        "Too many recipients is a temporary 452 (not 552): the client sends the rest in another transaction.",
        "宛先が多すぎる場合は一時エラー 452 です（552 ではありません）。残りは別のトランザクションで送ります。";
    UnknownMailbox = "unknown-mailbox", e(5, 1, 1), "RFC 5321 4.1.1.3",
        "550: no such mailbox here.",
        "550: このサーバーにそのメールボックスはありません。";
    RelayDenied = "relay-denied", e(5, 7, 1), "RFC 5321 3.6.2",
        "The domain is not local and this server does not relay for you: 550.",
        "ドメインがローカルではなく、このサーバーは中継しないため 550 を返します。";
    MailboxDisabled = "mailbox-disabled", e(5, 2, 1), "RFC 3463 3.3",
        "The mailbox exists but is disabled and not accepting messages.",
        "メールボックスは存在しますが無効化されていて受信しません。";
    OverQuota = "over-quota", e(4, 2, 2), "RFC 3463 3.3",
        "The mailbox is full: a temporary 452 4.2.2, the sender's server will retry later.",
        "メールボックスが容量超過です。一時エラー 452 4.2.2 なので送信側は後で再送します。";
    OverQuotaPermanent = "over-quota-permanent", e(5, 2, 2), "RFC 3463 3.3",
        "The mailbox is full and the server treats it as permanent: 552 5.2.2.",
        "メールボックスが容量超過で、サーバーはこれを永続エラー 552 5.2.2 とします。";
    LineTooLong = "line-too-long", e(5, 5, 2), "RFC 5321 4.5.3.1.4",
        "A command line is limited to 512 octets including CRLF (plus extension allowances); the rest of the line is discarded.",
        "コマンド行は CRLF を含めて 512 オクテットまで（拡張による加算あり）です。行の残りは破棄されます。";
    TextLineTooLong = "text-line-too-long", e(5, 5, 2), "RFC 5321 4.5.3.1.6",
        "A line of message text is limited to 1000 octets including CRLF.",
        "メッセージ本文の 1 行は CRLF を含めて 1000 オクテットまでです。";
    TooManyErrors = "too-many-errors", e(4, 7, 0), "RFC 5321 3.8",
        "Too many errors in this session: the server says 421 and closes the connection.",
        "このセッションでエラーが多すぎるため、サーバーは 421 を返して接続を閉じます。";
    Timeout = "timeout", e(4, 4, 2), "RFC 5321 4.5.3.2",
        "The client was silent longer than the server's timeout: 421 and close.",
        "クライアントの無応答がタイムアウトを超えたため、421 を返して接続を閉じます。";
    StartTlsRequired = "starttls-required", e(5, 7, 0), "RFC 3207 4",
        "This server requires STARTTLS before a mail transaction.",
        "このサーバーはメールトランザクションの前に STARTTLS を要求します。";
    AuthRequired = "auth-required", e(5, 7, 0), "RFC 4954 6",
        "This server requires AUTH before a mail transaction.",
        "このサーバーはメールトランザクションの前に AUTH を要求します。";
    RequireTlsNeedsTls = "requiretls-needs-tls", e(5, 7, 10), "RFC 8689 4",
        "REQUIRETLS may only be used on a connection protected by TLS.",
        "REQUIRETLS は TLS で保護された接続でのみ使えます。";
    PipeliningSync = "pipelining-sync", e(5, 5, 0), "RFC 2920 3.1",
        "The client sent more commands without waiting for the reply to a command that ends a group (or pipelined without PIPELINING): strict servers such as Postfix answer 554 and disconnect.",
        "グループを終えるコマンドの応答を待たずに（または PIPELINING なしで）次のコマンドを送りました。Postfix のような厳格なサーバーは 554 を返して切断します。";
    BareLf = "bare-lf", e(5, 5, 2), "RFC 5321 2.3.8",
        "Lines MUST end with CRLF; a bare LF or bare CR in the data is refused (it is how SMTP smuggling works).",
        "行末は必ず CRLF です。データ中の単独の LF や CR は拒否されます（SMTP スマグリングの手口です）。";
    BareLfNormalized = "bare-lf-normalized", N, "RFC 5321 2.3.8",
        "A bare LF was turned into CRLF (normalize policy); it did not end the data.",
        "単独の LF を CRLF に変換しました（normalize ポリシー）。データの終端にはなりません。";
    EightBitWithoutMime = "8bit-without-8bitmime", e(5, 6, 1), "RFC 6152 3",
        "The data has 8-bit bytes but MAIL did not say BODY=8BITMIME; SMTP without it is 7-bit ASCII only.",
        "データに 8 ビットのバイトがありますが MAIL で BODY=8BITMIME を指定していません。指定がなければ SMTP は 7 ビット ASCII のみです。";
    DotUnstuffed = "dot-unstuffed", N, "RFC 5321 4.5.2",
        "A line starting with a dot was sent as '..' (dot-stuffing); the server removed the first dot.",
        "ピリオドで始まる行は '..' として送られ（ドットスタッフィング）、サーバーが先頭のピリオドを 1 つ取り除きました。";
    SyntaxLenient = "syntax-lenient", N, "RFC 5321 4.1.2",
        "Accepted under the lenient policy, but RFC 5321 grammar does not allow it; strict receivers reject it.",
        "寛容ポリシーで受け付けましたが RFC 5321 の文法では認められず、厳格な受信側は拒否します。";
    Fault = "fault-rule", N, "Mailroom fault rule",
        "A fault rule configured in the server settings produced this reply.",
        "サーバー設定の障害ルールがこの応答を返しました。";
    FaultClose = "fault-close", e(4, 3, 0), "Mailroom fault rule",
        "A fault rule closes the connection with 421 after a number of commands.",
        "障害ルールにより、指定数のコマンドの後 421 で接続を閉じます。";
    Delivered = "delivered", N, "RFC 5321 4.4",
        "The server prepended Return-Path and Received trace fields and delivered the message.",
        "サーバーは Return-Path と Received のトレースフィールドを先頭に付けてメッセージを配送しました。";
    TlsEstablished = "tls-established", N, "RFC 3207 4.2",
        "TLS is established; the server forgot everything the client said before, EHLO again.",
        "TLS が確立しました。サーバーはそれ以前の情報を破棄するので、EHLO からやり直します。";
    StorageFailed = "storage-failed", e(4, 3, 1), "RFC 3463 3.4",
        "The server could not store the message (disk full or not writable): 452 4.3.1, temporary, so the client keeps the message and retries. Nothing is acknowledged that was not stored.",
        "サーバーがメッセージを保存できませんでした（ディスクが満杯か書き込み不可）。一時エラー 452 4.3.1 なので、クライアントはメッセージを保持して再送します。保存していないものを受領とは答えません。";
    ShuttingDown = "shutting-down", e(4, 3, 2), "RFC 5321 3.8",
        "The server is shutting down: it lets the transaction in flight finish, then says 421 and closes.",
        "サーバーが停止処理中です。進行中のトランザクションを終えてから 421 を返して接続を閉じます。";
    TooManyConnections = "too-many-connections", e(4, 3, 2), "RFC 5321 3.1",
        "The server has as many connections as it allows: it answers 421 instead of the 220 greeting and closes; try again later.",
        "サーバーの同時接続数が上限に達しているため、220 の挨拶の代わりに 421 を返して切断します。後で再接続してください。";
    Closed = "closed", N, "RFC 5321 3.8",
        "The connection is closed.",
        "接続が閉じられました。";
}

#[cfg(test)]
mod tests {
    use super::Rule;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_kebab_case_and_explained() {
        let mut seen = HashSet::new();
        for r in Rule::ALL {
            assert!(seen.insert(r.id()), "duplicate id {}", r.id());
            assert!(
                r.id()
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{} is not kebab-case",
                r.id()
            );
            assert!(r.rfc().starts_with("RFC ") || r.rfc().starts_with("Mailroom"));
            assert!(!r.en().is_empty() && !r.ja().is_empty());
            assert!(!r.ja().is_ascii(), "{} has no Japanese", r.id());
        }
    }
}
