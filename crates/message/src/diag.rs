//! Diagnostics: the rule catalogue (ids are a public interface, DESIGN.md section 3) and
//! the sink that collects findings with byte ranges; line/column are filled in at the end.

use serde::Serialize;
use std::borrow::Cow;

/// A diagnostic's text: most are fixed sentences (borrowed, no allocation); those that
/// quote the input are joined with [`text!`].
pub type Text = Cow<'static, str>;

/// How bad a finding is. `Error`: breaks a MUST or the grammar (strict receivers may
/// reject); `Warning`: breaks a SHOULD or risks interoperability; `Info`: explanation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// One finding. `line`/`column` are 1-based (column counts bytes); `start..end` is the
/// byte range in the input (may be empty, e.g. for "missing" fields, which point where
/// the field would be inserted: the end of the header section).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub rule: &'static str,
    pub severity: Severity,
    pub line: u32,
    pub column: u32,
    pub start: usize,
    pub end: usize,
    pub rfc: &'static str,
    pub message: Text,
    pub message_ja: Text,
    /// The rule's fix hint (or a more specific one set by the check): static text.
    pub hint: &'static str,
    pub hint_ja: &'static str,
}

/// The native form of [`text!`]: pieces joined into a string sized once.
#[cfg(not(target_arch = "wasm32"))]
mod pieces {
    use std::borrow::Cow;

    /// A piece of a diagnostic's text: see [`text!`].
    pub(crate) trait Piece {
        /// Bytes it will take (exact for text, an upper bound for numbers).
        fn size(&self) -> usize;
        fn push_to(&self, s: &mut String);
    }

    macro_rules! text_piece {
        ($($t:ty),*) => {$(
            impl Piece for $t {
                fn size(&self) -> usize {
                    self.len()
                }
                fn push_to(&self, s: &mut String) {
                    s.push_str(self)
                }
            }
        )*};
    }
    text_piece!(str, String, Cow<'_, str>);

    impl Piece for char {
        fn size(&self) -> usize {
            self.len_utf8()
        }
        fn push_to(&self, s: &mut String) {
            s.push(*self)
        }
    }

    impl<T: Piece + ?Sized> Piece for &T {
        fn size(&self) -> usize {
            (**self).size()
        }
        fn push_to(&self, s: &mut String) {
            (**self).push_to(s)
        }
    }

    macro_rules! decimal_piece {
        ($($t:ty),*) => {$(
            impl Piece for $t {
                fn size(&self) -> usize {
                    // The longest of these in decimal: i64::MIN and a 64-bit usize::MAX have
                    // 20 characters.
                    20
                }
                fn push_to(&self, s: &mut String) {
                    s.push_str(itoa::Buffer::new().format(*self))
                }
            }
        )*};
    }
    decimal_piece!(u8, usize, i64);

    /// Joins pieces into one string, sized once. One small function for every finding's
    /// text, where `format!` put its machinery at each call site.
    pub(crate) fn join(pieces: &[&dyn Piece]) -> String {
        let mut s = String::with_capacity(pieces.iter().map(|p| p.size()).sum());
        for p in pieces {
            p.push_to(&mut s);
        }
        s
    }
}
#[cfg(not(target_arch = "wasm32"))]
pub(crate) use pieces::{join, Piece};

/// `text!["a ", x, " b"]` is `format!("a {x} b")` for pieces that are text (`str`,
/// `String`, `Cow<str>`), a `char` or an integer (`u8`, `usize`, `i64`: the ones the
/// texts quote): a diagnostic's text, its pieces joined into a string sized once (3%
/// faster than `format!`). In wasm it is `text_fmt!`, which the page's size budget
/// prefers: there `format!` is 2.4 KB gzip smaller.
#[cfg(not(target_arch = "wasm32"))]
macro_rules! text {
    ($($p:expr),+ $(,)?) => {
        $crate::diag::join(&[$(&$p as &dyn $crate::diag::Piece),+])
    };
}
/// `text!["a ", x, " b"]` is `format!("a {x} b")`: see [`text_fmt!`].
#[cfg(target_arch = "wasm32")]
macro_rules! text {
    ($($p:tt)+) => { $crate::diag::text_fmt!($($p)+) };
}
pub(crate) use text;

/// [`text!`] through `format!`: literal pieces go into the format string (where they
/// stay in read-only data, not in a piece table built at the call site), the others
/// become `{}` arguments. A literal with a brace would be read as a placeholder, so
/// that is a compile-time error. (Natively only the tests use it, to compare the forms.)
#[cfg(any(target_arch = "wasm32", test))]
macro_rules! text_fmt {
    (@ [$($f:tt)*] [$($a:expr),*]) => {
        ::std::format!(::std::concat!($($f),*) $(, $a)*)
    };
    (@ [$($f:tt)*] [$($a:expr),*] $l:literal $(, $($rest:tt)*)?) => {{
        const _: () = ::std::assert!(!$crate::diag::has_brace(::std::concat!($l)));
        $crate::diag::text_fmt!(@ [$($f)* $l] [$($a),*] $($($rest)*)?)
    }};
    (@ [$($f:tt)*] [$($a:expr),*] $e:expr $(, $($rest:tt)*)?) => {
        $crate::diag::text_fmt!(@ [$($f)* "{}"] [$($a,)* $e] $($($rest)*)?)
    };
    ($($p:tt)+) => { $crate::diag::text_fmt!(@ [] [] $($p)+) };
}
#[cfg(any(target_arch = "wasm32", test))]
pub(crate) use text_fmt;

/// Whether `s` has a brace (see [`text_fmt!`]).
#[cfg(any(target_arch = "wasm32", test))]
pub(crate) const fn has_brace(s: &str) -> bool {
    let mut b = s.as_bytes();
    while let [first, rest @ ..] = b {
        if *first == b'{' || *first == b'}' {
            return true;
        }
        b = rest;
    }
    false
}

/// How many of `diagnostics` have severity `s`.
pub fn count(diagnostics: &[Diagnostic], s: Severity) -> usize {
    diagnostics.iter().filter(|d| d.severity == s).count()
}

/// A rule of the catalogue: its default severity, section and fix hint.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    pub rfc: &'static str,
    pub hint: &'static str,
    pub hint_ja: &'static str,
    /// Position in [`RULES`]: the index of the rule's finding counter in [`Sink`].
    #[serde(skip)]
    ord: usize,
}

macro_rules! rules {
    ($( $name:ident = $id:literal, $sev:ident, $rfc:literal, $hint:literal, $hint_ja:literal; )*) => {
        pub mod rule {
            //! One constant per rule id.
            use super::{Rule, Severity};
            #[allow(non_camel_case_types, clippy::upper_case_acronyms)]
            enum Pos { $( $name, )* }
            $( pub static $name: Rule = Rule { id: $id, severity: Severity::$sev, rfc: $rfc, hint: $hint, hint_ja: $hint_ja, ord: Pos::$name as usize }; )*
            /// How many rules there are.
            pub(crate) const COUNT: usize = [$( Pos::$name, )*].len();
        }
        /// Every rule, in catalogue order.
        pub static RULES: &[&Rule] = &[ $( &rule::$name, )* ];
    };
}

rules! {
    LINE_TOO_LONG = "line-too-long", Error, "RFC 5322 2.1.1",
        "Wrap the line (fold header fields, or use quoted-printable/base64 for the body) so no line exceeds 998 octets.",
        "行を折り返してください（ヘッダーはフォールディング、本文は quoted-printable か base64 を使用）。1 行は 998 オクテット以内にします。";
    HEADER_LINE_OVER_78 = "header-line-over-78", Warning, "RFC 5322 2.1.1",
        "Fold the field at a whitespace: insert CRLF before a space so each line stays within 78 characters.",
        "空白の位置で折り返してください（空白の前に CRLF を入れる）。1 行 78 文字以内が推奨です。";
    BARE_LF = "bare-lf", Error, "RFC 5322 2.3",
        "End every line with CRLF; convert lone LF to CRLF before sending.",
        "すべての行末を CRLF にしてください。送信前に単独の LF を CRLF に変換します。";
    BARE_CR = "bare-cr", Error, "RFC 5322 2.3",
        "Remove the lone CR or make it part of a CRLF line ending.",
        "単独の CR を削除するか、CRLF の行末にしてください。";
    NUL_BYTE = "nul-byte", Error, "RFC 2045 2.7",
        "Remove NUL bytes, or send the data base64-encoded.",
        "NUL バイトを削除するか、データを base64 でエンコードしてください。";
    INVALID_FIELD_NAME = "invalid-field-name", Error, "RFC 5322 2.2",
        "A field name is printable US-ASCII except colon (33-57, 59-126), directly followed by ':'.",
        "フィールド名は コロン以外の印字可能な US-ASCII 文字（33-57, 59-126）で、直後に ':' を置きます。";
    MISSING_COLON = "missing-colon", Error, "RFC 5322 2.2",
        "Write the line as 'Name: value', or indent it with a space to continue the previous field.",
        "'名前: 値' の形にするか、前のフィールドの続きなら行頭に空白を入れてください。";
    MISSING_HEADER_BODY_SEPARATOR = "missing-header-body-separator", Error, "RFC 5322 2.1",
        "Put one empty line (CRLF CRLF) between the header section and the body.",
        "ヘッダー部と本文の間に空行（CRLF CRLF）を 1 行入れてください。";
    EIGHTBIT_HEADER = "8bit-header", Warning, "RFC 6532 3.2",
        "Encode non-ASCII text with RFC 2047 encoded words (=?UTF-8?B?...?=), or send with SMTPUTF8.",
        "非 ASCII 文字は RFC 2047 のエンコードワード（=?UTF-8?B?...?=）にするか、SMTPUTF8 で送信してください。";
    INVALID_UTF8 = "invalid-utf8", Error, "RFC 6532 3.2",
        "Raw 8-bit header text must be UTF-8; better, encode it with RFC 2047 encoded words naming the charset.",
        "ヘッダーの生の 8 ビット文字は UTF-8 でなければなりません。文字コードを明示した RFC 2047 エンコードワードを推奨します。";
    MISSING_DATE = "missing-date", Error, "RFC 5322 3.6",
        "Add a Date: field, e.g. 'Date: Thu, 26 Oct 2023 00:07:56 +0900'.",
        "Date: フィールドを追加してください（例: 'Date: Thu, 26 Oct 2023 00:07:56 +0900'）。";
    MISSING_FROM = "missing-from", Error, "RFC 5322 3.6",
        "Add a From: field with the author's mailbox.",
        "作成者のメールボックスを書いた From: フィールドを追加してください。";
    MISSING_MESSAGE_ID = "missing-message-id", Warning, "RFC 5322 3.6.4",
        "Add 'Message-ID: <unique@your.domain>'. Large receivers (e.g. Gmail) reject or junk mail without one.",
        "'Message-ID: <一意な値@自ドメイン>' を追加してください。Gmail などの大手受信者は無いメールを拒否・迷惑メール扱いします。";
    DUPLICATE_FIELD = "duplicate-field", Error, "RFC 5322 3.6",
        "Keep a single occurrence of this field; merge the values or delete the extra one.",
        "このフィールドは 1 つだけにしてください。値をまとめるか余分な方を削除します。";
    SENDER_REQUIRED = "sender-required", Error, "RFC 5322 3.6.2",
        "With several mailboxes in From:, add 'Sender:' naming the single mailbox that sent it.",
        "From: に複数のメールボックスがある場合は、実際の送信者 1 人を示す Sender: を追加してください。";
    REDUNDANT_SENDER = "redundant-sender", Warning, "RFC 5322 3.6.2",
        "Drop the Sender: field: it repeats the only From: mailbox.",
        "Sender: は From: の唯一のメールボックスと同じなので削除してください。";
    RESENT_DATE_MISSING = "resent-date-missing", Error, "RFC 5322 3.6.6",
        "Each block of Resent- fields needs one Resent-Date: (and one Resent-From:).",
        "Resent- フィールドのブロックごとに Resent-Date:（と Resent-From:）が 1 つ必要です。";
    INVALID_DATE = "invalid-date", Error, "RFC 5322 3.3",
        "Use the form 'Thu, 26 Oct 2023 00:07:56 +0900' (day-of-week optional).",
        "'Thu, 26 Oct 2023 00:07:56 +0900' の形式にしてください（曜日は省略可）。";
    OBSOLETE_DATE = "obsolete-date", Warning, "RFC 5322 4.3",
        "Write a 4-digit year and a numeric zone such as +0900 or -0000.",
        "年は 4 桁、タイムゾーンは +0900 や -0000 のような数値で書いてください。";
    DATE_WEEKDAY_MISMATCH = "date-weekday-mismatch", Error, "RFC 5322 3.3",
        "Fix the day of week, or omit it (it is optional).",
        "曜日を直すか、省略してください（曜日は任意です）。";
    INVALID_ADDRESS = "invalid-address", Error, "RFC 5322 3.4",
        "Write each address as 'local@domain' or 'Display Name <local@domain>', separated by commas; quote names containing specials.",
        "アドレスは 'local@domain' か '表示名 <local@domain>' の形でカンマ区切りにします。特殊文字を含む表示名は \"...\" で囲みます。";
    EMPTY_ADDRESS_FIELD = "empty-address-field", Error, "RFC 5322 3.6.3",
        "Remove the empty field, or put at least one address in it (only Bcc: may be empty).",
        "空のフィールドを削除するか、1 つ以上のアドレスを書いてください（空にできるのは Bcc: だけです）。";
    BCC_PRESENT = "bcc-present", Warning, "RFC 5322 3.6.3",
        "Remove Bcc: from the transmitted header; give blind recipients only as RCPT TO.",
        "送信するヘッダーから Bcc: を取り除き、Bcc の宛先は RCPT TO だけで指定してください。";
    ADDRESS_WHITESPACE = "address-whitespace", Warning, "RFC 5321 4.1.2",
        "Remove spaces and comments inside the address: write <local@domain>.",
        "アドレス内の空白やコメントを取り除き、<local@domain> と書いてください。";
    INVALID_MSG_ID = "invalid-msg-id", Error, "RFC 5322 3.6.4",
        "Write the identifier as <left@right> with no spaces, e.g. <20231026.1234@example.com>.",
        "識別子は空白なしの <left@right> 形式にしてください（例: <20231026.1234@example.com>）。";
    MSG_ID_UNQUALIFIED = "msg-id-unqualified", Warning, "RFC 5322 3.6.4",
        "Use your fully qualified domain name on the right of '@' so the id is globally unique.",
        "'@' の右側には自分の完全修飾ドメイン名を使い、識別子を世界で一意にしてください。";
    MISSING_SUBJECT = "missing-subject", Info, "RFC 5322 3.6.5",
        "Add a Subject: field; recipients and filters rely on it.",
        "Subject: フィールドを追加してください。受信者やフィルタが利用します。";
    INVALID_ENCODED_WORD = "invalid-encoded-word", Warning, "RFC 2047 2",
        "Write encoded words as =?charset?B?base64?= or =?charset?Q?text?=, separated from other text by whitespace.",
        "エンコードワードは =?charset?B?base64?= か =?charset?Q?text?= の形にし、前後を空白で区切ってください。";
    ENCODED_WORD_TOO_LONG = "encoded-word-too-long", Warning, "RFC 2047 2",
        "Split the text into several encoded words of at most 75 characters, separated by folding whitespace.",
        "テキストを 75 文字以内の複数のエンコードワードに分け、折り返し空白で区切ってください。";
    ENCODED_WORD_IN_QUOTED_STRING = "encoded-word-in-quoted-string", Warning, "RFC 2047 5",
        "Remove the quotes around the encoded word (or, for MIME parameters, use RFC 2231 name*=UTF-8''...).",
        "エンコードワードを囲む引用符を外してください（MIME パラメータなら RFC 2231 の name*=UTF-8''... を使用）。";
    UNKNOWN_CHARSET = "unknown-charset", Warning, "RFC 2047 6.2",
        "Use a registered charset such as UTF-8.",
        "UTF-8 などの登録済み文字コードを使ってください。";
    MISSING_MIME_VERSION = "missing-mime-version", Error, "RFC 2045 4",
        "Add 'MIME-Version: 1.0' to the message header.",
        "メッセージヘッダーに 'MIME-Version: 1.0' を追加してください。";
    INVALID_MIME_VERSION = "invalid-mime-version", Error, "RFC 2045 4",
        "Write exactly 'MIME-Version: 1.0'.",
        "'MIME-Version: 1.0' と書いてください。";
    INVALID_CONTENT_TYPE = "invalid-content-type", Error, "RFC 2045 5.1",
        "Write 'Content-Type: type/subtype; name=value', quoting values that contain specials.",
        "'Content-Type: type/subtype; name=value' の形にし、特殊文字を含む値は引用符で囲んでください。";
    MISSING_BOUNDARY = "missing-boundary", Error, "RFC 2046 5.1.1",
        "Add a boundary parameter: Content-Type: multipart/mixed; boundary=\"...\".",
        "boundary パラメータを追加してください: Content-Type: multipart/mixed; boundary=\"...\"。";
    INVALID_BOUNDARY = "invalid-boundary", Error, "RFC 2046 5.1.1",
        "Use 1-70 characters from DIGIT / ALPHA / '()+_,-./:=? and not ending in a space; quote it.",
        "境界は 1〜70 文字で、英数字と '()+_,-./:=? のみ、末尾は空白以外にし、引用符で囲んでください。";
    BOUNDARY_NOT_FOUND = "boundary-not-found", Error, "RFC 2046 5.1.1",
        "Start each body part with a line '--' + boundary, exactly as declared in Content-Type.",
        "各パートの前に '--' + boundary の行を、Content-Type の宣言どおりに置いてください。";
    MISSING_CLOSE_DELIMITER = "missing-close-delimiter", Error, "RFC 2046 5.1.1",
        "End the multipart with the line '--' + boundary + '--'.",
        "マルチパートの最後に '--' + boundary + '--' の行を置いてください。";
    INVALID_CTE = "invalid-cte", Error, "RFC 2045 6.1",
        "Use one of 7bit, 8bit, binary, quoted-printable, base64.",
        "7bit, 8bit, binary, quoted-printable, base64 のいずれかを使ってください。";
    CTE_ON_COMPOSITE = "cte-on-composite", Error, "RFC 2045 6.4",
        "Encode the leaf parts instead; a multipart or message/rfc822 entity may only be 7bit, 8bit or binary.",
        "エンコードは末端のパートに付けてください。multipart と message/rfc822 は 7bit, 8bit, binary のみです。";
    BASE64_INVALID_CHAR = "base64-invalid-char", Error, "RFC 2045 6.8",
        "Re-encode the content: base64 uses only A-Z a-z 0-9 + / and = for padding.",
        "内容を再エンコードしてください。base64 で使える文字は A-Z a-z 0-9 + / と、パディングの = だけです。";
    BASE64_BAD_PADDING = "base64-bad-padding", Error, "RFC 2045 6.8",
        "The encoded data must be a multiple of 4 characters, with '=' only at the very end.",
        "エンコード結果は 4 文字の倍数で、'=' は末尾だけに置きます。";
    BASE64_LINE_TOO_LONG = "base64-line-too-long", Error, "RFC 2045 6.8",
        "Wrap base64 at 76 characters per line.",
        "base64 は 1 行 76 文字で折り返してください。";
    QP_INVALID_ESCAPE = "qp-invalid-escape", Error, "RFC 2045 6.7",
        "After '=' write two uppercase hex digits (=3D for '=' itself) or end the line (soft break).",
        "'=' の後には大文字の 16 進数 2 桁（'=' 自体は =3D）を書くか、行末（ソフト改行）にしてください。";
    QP_LINE_TOO_LONG = "qp-line-too-long", Error, "RFC 2045 6.7",
        "Insert soft line breaks ('=' at line end) so encoded lines are at most 76 characters.",
        "ソフト改行（行末の '='）を入れて、エンコード後の行を 76 文字以内にしてください。";
    EIGHTBIT_IN_7BIT = "8bit-in-7bit", Error, "RFC 2045 2.7",
        "Declare Content-Transfer-Encoding: 8bit (with 8BITMIME), or encode the part with quoted-printable or base64.",
        "Content-Transfer-Encoding: 8bit を宣言する（8BITMIME 必須）か、quoted-printable か base64 でエンコードしてください。";
    MISSING_CHARSET = "missing-charset", Info, "RFC 2046 4.1.2",
        "Add a charset parameter, e.g. Content-Type: text/plain; charset=UTF-8.",
        "charset パラメータを追加してください（例: Content-Type: text/plain; charset=UTF-8）。";
    CHARSET_DECODE_ERROR = "charset-decode-error", Warning, "RFC 2046 4.1.2",
        "Declare the charset the text is really in, or re-encode the text in the declared charset.",
        "実際の文字コードを宣言するか、宣言した文字コードでテキストを作り直してください。";
    EIGHTBIT_WITHOUT_8BITMIME = "8bit-without-8bitmime", Error, "RFC 6152",
        "Send with MAIL FROM:<...> BODY=8BITMIME to a server that advertises 8BITMIME, or encode 8-bit parts with base64/quoted-printable.",
        "8BITMIME を広告するサーバーに BODY=8BITMIME で送るか、8 ビットのパートを base64/quoted-printable でエンコードしてください。";
    SMTPUTF8_REQUIRED = "smtputf8-required", Error, "RFC 6531 3.4",
        "Send with the SMTPUTF8 parameter to a server that advertises it, or use ASCII addresses and RFC 2047 encoded words.",
        "SMTPUTF8 を広告するサーバーに SMTPUTF8 パラメータ付きで送るか、ASCII アドレスと RFC 2047 エンコードワードを使ってください。";
    ENVELOPE_HEADER_MISMATCH = "envelope-header-mismatch", Info, "RFC 5321 2.3.1",
        "The envelope (MAIL FROM / RCPT TO) decides delivery; the To/Cc/From header fields are only what the reader sees.",
        "配送を決めるのはエンベロープ（MAIL FROM / RCPT TO）で、To/Cc/From ヘッダーは読者に見える表示にすぎません。";
}

/// At most this many diagnostics are kept per rule; the rest are counted in
/// `Report::suppressed`, so a 100 MB binary file cannot produce a 100 MB report.
pub const MAX_PER_RULE: u32 = 100;

/// Collects diagnostics; caps each rule at [`MAX_PER_RULE`].
pub(crate) struct Sink {
    pub diags: Vec<Diagnostic>,
    /// Findings per rule, by catalogue position: no search and no allocation per finding.
    counts: [u32; rule::COUNT],
}

impl Default for Sink {
    fn default() -> Self {
        Sink {
            diags: Vec::with_capacity(16),
            counts: [0; rule::COUNT],
        }
    }
}

impl Sink {
    /// Adds a finding with the rule's default severity, section and hint. Returns the new
    /// diagnostic (to adjust severity/rfc/hint) or `None` when the rule's cap is reached.
    #[cold]
    pub fn add(
        &mut self,
        r: &'static Rule,
        start: usize,
        end: usize,
        message: impl Into<Text>,
        message_ja: impl Into<Text>,
    ) -> Option<&mut Diagnostic> {
        self.add_with(r, start, end, || (message.into(), message_ja.into()))
    }

    /// Like [`Sink::add`], but builds the (English, Japanese) messages only when the
    /// finding is kept: past the rule's cap a finding costs a counter increment, not two
    /// formatted strings (for rules that can fire once per line of a large input).
    #[cold]
    pub fn add_with(
        &mut self,
        r: &'static Rule,
        start: usize,
        end: usize,
        messages: impl FnOnce() -> (Text, Text),
    ) -> Option<&mut Diagnostic> {
        let n = self.counts.get_mut(r.ord)?;
        *n = n.saturating_add(1);
        if *n > MAX_PER_RULE {
            return None;
        }
        let (message, message_ja) = messages();
        self.diags.push(Diagnostic {
            rule: r.id,
            severity: r.severity,
            line: 0,
            column: 0,
            start,
            end: end.max(start),
            rfc: r.rfc,
            message,
            message_ja,
            hint: r.hint,
            hint_ja: r.hint_ja,
        });
        self.diags.last_mut()
    }

    /// Rules whose findings went over the cap, with how many were dropped, in catalogue
    /// order.
    pub fn suppressed(&self) -> Vec<Suppressed> {
        RULES
            .iter()
            .zip(self.counts)
            .filter(|&(_, n)| n > MAX_PER_RULE)
            .map(|(r, n)| Suppressed {
                rule: r.id,
                count: n - MAX_PER_RULE,
            })
            .collect()
    }
}

/// Findings dropped because a rule hit [`MAX_PER_RULE`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suppressed {
    pub rule: &'static str,
    pub count: u32,
}

impl Suppressed {
    /// "12 more line-too-long not shown", for a summary line (`mailroom lint`, the page).
    pub fn message(&self) -> String {
        format!("{} more {} not shown", self.count, self.rule)
    }

    /// The same in Japanese.
    pub fn message_ja(&self) -> String {
        format!("ほかに {} {} 件は表示していません", self.rule, self.count)
    }
}

/// Sets severity in a builder-ish way on an optional diagnostic.
pub(crate) trait DiagExt {
    fn sev(self, s: Severity) -> Self;
    fn rfc(self, rfc: &'static str) -> Self;
    fn hint(self, en: &'static str, ja: &'static str) -> Self;
}

impl DiagExt for Option<&mut Diagnostic> {
    fn sev(mut self, s: Severity) -> Self {
        if let Some(d) = self.as_deref_mut() {
            d.severity = s;
        }
        self
    }
    fn rfc(mut self, rfc: &'static str) -> Self {
        if let Some(d) = self.as_deref_mut() {
            d.rfc = rfc;
        }
        self
    }
    fn hint(mut self, en: &'static str, ja: &'static str) -> Self {
        if let Some(d) = self.as_deref_mut() {
            d.hint = en;
            d.hint_ja = ja;
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_joins_like_format() {
        let (field, n, c) = ("Subject", 1234567usize, 'é');
        let cow: Cow<str> = Cow::Owned("ü".repeat(3));
        let owned = String::from("x");
        // One list of pieces for both forms (native and the page's), trailing comma too.
        macro_rules! sample {
            ($form:ident) => {
                $form![
                    "",
                    field,
                    ": ",
                    n,
                    " in total; ",
                    c,
                    cow,
                    owned,
                    usize::MAX,
                    i64::MIN,
                    "。",
                ]
            };
        }
        let want = format!(
            "{field}: {n} in total; {c}{cow}{owned}{}{}。",
            usize::MAX,
            i64::MIN
        );
        assert_eq!(sample!(text), want);
        assert_eq!(sample!(text_fmt), want);
        assert_eq!(text![0u8, ""], "0");
        assert_eq!(text_fmt![0u8, ""], "0");
        assert_eq!(
            text_fmt![crate::lex::lossy_cow(b"a\xff"), 'x'],
            "a\u{fffd}x"
        );
        assert!(has_brace("a {x}") && has_brace("}") && !has_brace("a (x)"));
    }

    #[test]
    fn each_rule_has_its_own_cap_and_position() {
        // The counters are indexed by catalogue position: each rule's must be its own.
        for (i, r) in RULES.iter().enumerate() {
            assert_eq!(r.ord, i, "{}", r.id);
        }
        let mut sink = Sink::default();
        let extra = 3;
        for k in 0..MAX_PER_RULE as usize + extra {
            // Added in the reverse of catalogue order, interleaved.
            assert_eq!(
                sink.add(&rule::BARE_CR, k, k, "cr", "cr").is_some(),
                k < MAX_PER_RULE as usize
            );
            sink.add(&rule::LINE_TOO_LONG, k, k, "long", "long");
            if k < 5 {
                sink.add(&rule::NUL_BYTE, k, k, "nul", "nul");
            }
        }
        assert_eq!(sink.diags.len(), 2 * MAX_PER_RULE as usize + 5);
        assert_eq!(
            sink.suppressed(),
            [
                Suppressed {
                    rule: "line-too-long",
                    count: extra as u32
                },
                Suppressed {
                    rule: "bare-cr",
                    count: extra as u32
                },
            ]
        );
    }
}
