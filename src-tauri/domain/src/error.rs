//! Errors. Every message is Japanese, says how to fix the problem, and never carries health
//! data: it names fields, ids and paths, never the values of a record.
//!
//! Internal failures (SQLite, I/O, JSON) are converted here, in one place, into messages that
//! are safe to show and to log.

use serde::Serialize;
use ts_rs::TS;

pub type Result<T> = std::result::Result<T, Error>;

/// One problem with one field of a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Violation {
    /// The field's path in the record format, e.g. `work_status.total_hours`.
    pub field: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("パスフレーズが違います。もう一度入力してください。")]
    WrongPassphrase,
    #[error("回復キーが違います。印刷した回復シートの文字を確かめて入力してください。")]
    WrongRecoveryKey,
    #[error("パスフレーズは{min}文字以上にしてください。")]
    WeakPassphrase { min: usize },
    #[error("ストアがまだ作られていません（{dir}）。初回起動の画面か `chisanpo init` で作成するか、データフォルダの指定を確かめてください。")]
    NotInitialised { dir: String },
    #[error("ストアは既に作られています（{dir}）。別のデータフォルダを指定してください。")]
    AlreadyInitialised { dir: String },
    #[error("地さんぽノートのストアではないか、壊れています（{path}）。データフォルダの指定を確かめるか、バックアップから復元してください。")]
    NotAStore { path: String },
    #[error("データフォルダ（{dir}）を作成できないか、書き込めません。フォルダの場所と権限を確かめてください。")]
    DirNotWritable { dir: String },
    #[error("ディスクの空き容量が足りません。空きを作ってからもう一度実行してください。記録は失われていません。")]
    DiskFull,
    #[error("ストアを別の処理が使用中です。少し待ってからもう一度実行してください。")]
    Busy,
    #[error("入力に誤りがあります。\n{}", format_violations(.0))]
    Invalid(Vec<Violation>),
    #[error("JSON を読み取れません: {0}")]
    Json(String),
    #[error("{what}が見つかりません（ID: {id}）。IDを確かめてください。")]
    NotFound { what: &'static str, id: String },
    #[error("この記録は確定済みです。確定した記録は書き換えられません。訂正して新しい版を作ってください。")]
    AlreadyFinal,
    #[error("この記録はまだ確定されていません。下書きを編集してから確定してください。")]
    NotFinal,
    #[error("訂正の理由を入力してください。")]
    ReasonRequired,
    #[error("訂正の内容が現在の版と同じです。変更してから訂正してください。")]
    NoChange,
    /// A file could not be read or written; the I/O error is kept as the source.
    #[error("ファイルを読み書きできません（{path}）。場所と権限を確かめてください。")]
    File {
        path: String,
        #[source]
        source: Option<std::io::Error>,
    },
    /// SQLite failed: `what` is safe to show (no record values); the SQLite error is kept as the
    /// source, for a developer's log.
    #[error("ストアの処理に失敗しました（{what}）。もう一度実行し、続く場合は `chisanpo verify` で検査してください。")]
    Db {
        what: String,
        #[source]
        source: Option<rusqlite::Error>,
    },
    #[error("ストアの検査で問題が見つかりました: {0}")]
    Integrity(String),
    #[error("バックアップを使えません（{reason}）。別のバックアップファイルを選んでください。現在のストアは変更していません。")]
    BackupInvalid { reason: String },
    #[error("このバックアップに戻すと、現在のストアの記録が{lost}件失われます。本当に戻す場合は確認してください（CLI では --yes）。現在のストアは変更していません。")]
    RestoreWouldLose { lost: i64 },
    #[error("現在のストアをバックアップと同じパスフレーズ（または回復キー）で開けないため、失われる記録の数を確認できません。確認して復元すると、現在のストアは削除せず、データフォルダ内の「previous-store-日時」フォルダに残します（元のパスフレーズで開けます）。確認する場合だけ復元してください（CLI では --yes）。現在のストアは変更していません。")]
    RestoreUnverifiable,
    #[error("フォントファイルを読み込めません（{path}）。ファイルの場所と権限を確かめてください。")]
    FontUnreadable { path: String },
    #[error("TrueType 形式（.ttf）のフォントとして読み取れません（{path}）。IPAmj明朝（ipamjm.ttf）などの TrueType フォントファイルを指定してください。")]
    NotAFont { path: String },
    #[error("{}。", missing_glyph_message(*.0))]
    NoGlyph(char),
    #[error("PDF を書き出せませんでした（{0}）。もう一度実行し、続く場合は開発者に連絡してください。")]
    Pdf(String),
    #[error("Excel ファイル（XLSX）を作成できませんでした（{0}）。もう一度実行し、続く場合は開発者に連絡してください。")]
    Xlsx(String),
    #[error("Shift_JIS（cp932）では表せない文字があるため、CSV を書き出しませんでした: {chars}。文字コードに「UTF-8（BOM付き）」を選んでください。Excel でもそのまま正しく開けます。")]
    CsvUnencodable { chars: String },
    #[error("CSV ファイルを読み込めません。{0}")]
    CsvUnreadable(String),
    #[error("この相談・面接指導は同一年度内の再度の利用のため、利用料の対象です（標準額 {}）。入金を確認して記録するか、徴収しない理由（例外）を記録してから確定してください。", fee_amount_text(*.amount))]
    FeeRequired { amount: Option<u32> },
    #[error("この記録は利用料の対象ではありません（同一年度内の再度の利用に当たりません）。入金確認や例外の記録は不要です。")]
    FeeNotRequired,
    #[error(
        "保存期間（5年）が終わっていない記録は廃棄できません（{count}件、保存期限 {until}）。何も廃棄していません。保存期限を過ぎた記録だけを選んでください。"
    )]
    StillRetained { count: usize, until: String },
    /// Due, but held: not yet at the centre, or finalised less than 5 years ago. Names records by
    /// id only.
    #[error("廃棄できない記録があります（{count}件）。何も廃棄していません。\n{detail}")]
    RetentionHeld { count: usize, detail: String },
    /// Delivery to the centre: what went wrong, as a code programs branch on, and the complete
    /// message in Japanese, which says what to do.
    #[error("{message}")]
    Delivery { code: DeliveryCode, message: String },
    /// The keyring's Argon2id settings are outside what this app ever writes: a tampered or
    /// damaged keyring.json (too low weakens the passphrase; too high could take hours or all memory).
    #[error(
        "鍵ファイル（keyring.json）の鍵導出の設定（{what}）が許される範囲（{allowed}）を外れています。鍵ファイルが改ざんされたか壊れているため、開きませんでした。バックアップから復元してください。"
    )]
    KdfOutOfRange { what: String, allowed: String },
    /// The store was written by a newer app: its schema has migrations this binary does not know.
    #[error(
        "このデータは新しい版の地さんぽノートで作られています（データの版 {found}、このアプリが扱える版 {known}まで）。データは変更していません。アプリを最新版に更新してから開いてください。"
    )]
    SchemaTooNew { found: u32, known: u32 },
    /// Another process (the app, or a `chisanpo restore`) holds the data folder's instance lock.
    #[error(
        "このデータフォルダ（{dir}）は、別に起動している地さんぽノート（アプリ、または復元中のコマンド）が使っています。そちらを終了してから、もう一度実行してください。記録は変更していません。"
    )]
    StoreInUse { dir: String },
    /// The user pressed 中止 (or the app locked) while a long operation ran: it stopped where
    /// stopping is safe, and kept nothing half made.
    #[error("中止しました。途中まで作ったファイルや変更は残していません。必要ならもう一度実行してください。")]
    Cancelled,
}

/// What went wrong in delivery to the centre, for programs (the UI, scripts, the callers that
/// decide what to do next) to branch on instead of the wording. `Error::code` is its `as_str`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeliveryCode {
    /// This device is not enrolled with a centre yet.
    NotEnrolled,
    /// The destination or source cannot be reached now (offline, the server away).
    Unreachable,
    /// The destination refuses or is set up wrongly (credentials, a certificate, a URL).
    Setup,
    /// One file failed on its own.
    ThisFile,
    /// No destination (device) or source (centre) is chosen.
    NoTarget,
    /// A centre profile that cannot be read, is of an unknown format, or is older than the one in use.
    ProfileUnreadable,
    /// A centre profile without a valid signature of the centre it claims.
    ProfileUnsigned,
    /// This store is enrolled with another centre already.
    EnrolledElsewhere,
    /// This store is a centre, and the step is a device's.
    IsCentre,
    /// This store is not a centre, and the step is a centre's.
    NotACentre,
    /// This store is a centre already.
    CentreExists,
    /// An enrolment request that cannot be read, or is addressed to another centre.
    RequestUnreadable,
    /// An enrolment request without a valid signature of the device's key.
    RequestUnsigned,
    /// A device id enrolled already with another key.
    DeviceOtherKey,
    /// The centre's root key: its file cannot be opened, is another centre's, or is needed.
    RootKey,
    /// A centre key file that cannot be opened, or does not fit this store.
    KeyFile,
    /// The shared PostgreSQL: cannot connect, TLS, or not this user's to do.
    Database,
    /// This build has no PostgreSQL (a device build).
    NoDatabase,
    /// A signed payload the database holds does not match what its device signed.
    PayloadMismatch,
}

impl DeliveryCode {
    /// Every code, for the tests that check each has a name and a message.
    pub const ALL: [DeliveryCode; 19] = [
        DeliveryCode::NotEnrolled,
        DeliveryCode::Unreachable,
        DeliveryCode::Setup,
        DeliveryCode::ThisFile,
        DeliveryCode::NoTarget,
        DeliveryCode::ProfileUnreadable,
        DeliveryCode::ProfileUnsigned,
        DeliveryCode::EnrolledElsewhere,
        DeliveryCode::IsCentre,
        DeliveryCode::NotACentre,
        DeliveryCode::CentreExists,
        DeliveryCode::RequestUnreadable,
        DeliveryCode::RequestUnsigned,
        DeliveryCode::DeviceOtherKey,
        DeliveryCode::RootKey,
        DeliveryCode::KeyFile,
        DeliveryCode::Database,
        DeliveryCode::NoDatabase,
        DeliveryCode::PayloadMismatch,
    ];

    /// The code as the UI and scripts see it (`Error::code`).
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryCode::NotEnrolled => "delivery_not_enrolled",
            DeliveryCode::Unreachable => "delivery_unreachable",
            DeliveryCode::Setup => "delivery_setup",
            DeliveryCode::ThisFile => "delivery_this_file",
            DeliveryCode::NoTarget => "delivery_no_target",
            DeliveryCode::ProfileUnreadable => "delivery_profile_unreadable",
            DeliveryCode::ProfileUnsigned => "delivery_profile_unsigned",
            DeliveryCode::EnrolledElsewhere => "delivery_enrolled_elsewhere",
            DeliveryCode::IsCentre => "delivery_is_centre",
            DeliveryCode::NotACentre => "delivery_not_a_centre",
            DeliveryCode::CentreExists => "delivery_centre_exists",
            DeliveryCode::RequestUnreadable => "delivery_request_unreadable",
            DeliveryCode::RequestUnsigned => "delivery_request_unsigned",
            DeliveryCode::DeviceOtherKey => "delivery_device_other_key",
            DeliveryCode::RootKey => "delivery_root_key",
            DeliveryCode::KeyFile => "delivery_key_file",
            DeliveryCode::Database => "delivery_database",
            DeliveryCode::NoDatabase => "delivery_no_database",
            DeliveryCode::PayloadMismatch => "delivery_payload_mismatch",
        }
    }
}

fn fee_amount_text(amount: Option<u32>) -> String {
    match amount {
        Some(a) => yen(a),
        None => "謝金の2分の1。開始・終了時刻を入力すると金額を算出します".to_string(),
    }
}

/// An amount as the forms and messages print it: `8,625円`.
pub fn yen(amount: u32) -> String {
    let digits = amount.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out.push('円');
    out
}

/// A character no font of the forms can draw, and what to do about it.
pub fn missing_glyph_message(c: char) -> String {
    format!("「{c}」（U+{:04X}）を印字できるフォントがありません。設定で外字フォント（IPAmj明朝など）を指定するか、別の字に置き換えてください", u32::from(c))
}

fn format_violations(v: &[Violation]) -> String {
    v.iter().map(|v| format!("・{}（{}）", v.message, v.field)).collect::<Vec<_>>().join("\n")
}

impl Error {
    /// A stable identifier for programs (the UI, scripts) to branch on.
    pub fn code(&self) -> &'static str {
        match self {
            Error::WrongPassphrase => "wrong_passphrase",
            Error::WrongRecoveryKey => "wrong_recovery_key",
            Error::WeakPassphrase { .. } => "weak_passphrase",
            Error::NotInitialised { .. } => "not_initialised",
            Error::AlreadyInitialised { .. } => "already_initialised",
            Error::NotAStore { .. } => "not_a_store",
            Error::DirNotWritable { .. } => "dir_not_writable",
            Error::DiskFull => "disk_full",
            Error::Busy => "busy",
            Error::Invalid(_) => "invalid",
            Error::Json(_) => "json",
            Error::NotFound { .. } => "not_found",
            Error::AlreadyFinal => "already_final",
            Error::NotFinal => "not_final",
            Error::ReasonRequired => "reason_required",
            Error::NoChange => "no_change",
            Error::File { .. } => "file",
            Error::Db { .. } => "db",
            Error::Integrity(_) => "integrity",
            Error::FontUnreadable { .. } => "font_unreadable",
            Error::NotAFont { .. } => "not_a_font",
            Error::NoGlyph(_) => "no_glyph",
            Error::Pdf(_) => "pdf",
            Error::Xlsx(_) => "xlsx",
            Error::CsvUnencodable { .. } => "csv_unencodable",
            Error::CsvUnreadable(_) => "csv_unreadable",
            Error::BackupInvalid { .. } => "backup_invalid",
            Error::RestoreWouldLose { .. } => "restore_would_lose",
            Error::RestoreUnverifiable => "restore_unverifiable",
            Error::FeeRequired { .. } => "fee_required",
            Error::FeeNotRequired => "fee_not_required",
            Error::StillRetained { .. } => "still_retained",
            Error::RetentionHeld { .. } => "retention_held",
            Error::Delivery { code, .. } => code.as_str(),
            Error::KdfOutOfRange { .. } => "kdf_out_of_range",
            Error::SchemaTooNew { .. } => "schema_too_new",
            Error::StoreInUse { .. } => "store_in_use",
            Error::Cancelled => "cancelled",
        }
    }

    /// A delivery failure: its code and its message (Japanese, saying what to do).
    pub fn delivery(code: DeliveryCode, message: impl Into<String>) -> Self {
        Error::Delivery { code, message: message.into() }
    }

    /// A file that could not be read or written, by its path.
    pub fn file(path: impl std::fmt::Display) -> Self {
        Error::File { path: path.to_string(), source: None }
    }

    /// A store operation that failed for a reason of the store's own, shown as `what`.
    pub fn db(what: impl Into<String>) -> Self {
        Error::Db { what: what.into(), source: None }
    }

    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Error::Invalid(vec![Violation { field: field.into(), message: message.into() }])
    }

    /// Translate a serde_json error into Japanese, keeping the position and the field name but
    /// dropping any value it quotes. Without the path of the field ([`Error::from_json_at`]), only
    /// what serde's message names is known.
    pub fn from_json(e: &serde_json::Error) -> Self {
        Self::json(e, None)
    }

    /// As [`Error::from_json`], for an error from [`json_from_str`] or [`json_from_value`]: the
    /// message also names the field the error is about, as a path (`work_status.total_hours`,
    /// `items[2].date`).
    pub fn from_json_at(e: &serde_path_to_error::Error<serde_json::Error>) -> Self {
        Self::json(e.inner(), Some(e.path()))
    }

    fn json(e: &serde_json::Error, path: Option<&serde_path_to_error::Path>) -> Self {
        let msg = e.to_string();
        let at = if e.line() > 0 { format!("（{}行目 {}列）", e.line(), e.column()) } else { String::new() };
        // serde's messages for a struct's fields and an enum's variants (serde::de::Error's
        // provided `unknown_field`, `missing_field`, `unknown_variant`, `invalid_type`) are the
        // only place the kind of the error is given: serde_json classifies them all as `Data`.
        let quoted = |s: &str| s.split('`').nth(1).map(str::to_string).unwrap_or_default();
        let field = path.map(field_path).unwrap_or_default();
        // `parent.name` for a field that serde names (missing, or unknown) inside another.
        let within = |name: String| {
            let parent = field.strip_suffix(&name).map(|p| p.trim_end_matches('.')).unwrap_or(&field);
            if parent.is_empty() {
                name
            } else {
                format!("{parent}.{name}")
            }
        };
        // `項目「a.b」: ` before a message about a value, where the path is known.
        let of = if field.is_empty() { String::new() } else { format!("項目「{field}」: ") };
        let what = if msg.starts_with("unknown field") {
            format!("不明な項目「{}」があります。項目名を docs/record-format.md で確かめてください", within(quoted(&msg)))
        } else if msg.starts_with("missing field") {
            format!("必須の項目「{}」がありません", within(quoted(&msg)))
        } else if msg.starts_with("unknown variant") {
            format!("{of}「{}」は選べる値ではありません。docs/record-format.md の選択肢から選んでください", quoted(&msg))
        } else if msg.starts_with("invalid type") || msg.starts_with("invalid value") {
            let expected = msg.split("expected ").nth(1).map(|s| s.split(" at line").next().unwrap_or(s)).unwrap_or("");
            let want = if expected.contains("u32") || expected.contains("u64") || expected.contains("integer") {
                "0以上の整数"
            } else if expected.contains("f64") || expected.contains("float") {
                "数値"
            } else if expected.contains("string") {
                "文字列"
            } else if expected.contains("bool") {
                "true または false"
            } else if expected.contains("sequence") {
                "配列"
            } else {
                "正しい形式の値"
            };
            format!("{of}値の種類が違います。{want}を入力してください")
        } else if e.is_eof() {
            "JSON が途中で終わっています".to_string()
        } else if e.is_syntax() {
            "JSON の書き方に誤りがあります".to_string()
        } else {
            // Our own messages (dates, times) are already Japanese and hold no values.
            format!("{of}{}", msg.split(" at line").next().unwrap_or(&msg))
        };
        Error::Json(format!("{what}{at}"))
    }
}

/// The path of a field as the record format names it: `work_status.total_hours`, `items[2]`.
/// Only the names of fields and the positions in lists; a map's key that is not a field name
/// (an id, a value) is never given, as it may be personal data.
fn field_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key: name } | Segment::Enum { variant: name } if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(name);
            }
            Segment::Map { .. } | Segment::Enum { .. } | Segment::Unknown => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push('…');
            }
        }
    }
    out
}

/// Read JSON typed by a person or sent over IPC into `T`. An error says, in Japanese, which
/// field it is about ([`Error::from_json_at`]), where the JSON is, and never the value.
pub fn json_from_str<T: serde::de::DeserializeOwned>(text: &str) -> Result<T> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| Error::from_json_at(&e))?;
    de.end().map_err(|e| Error::from_json(&e))?;
    Ok(value)
}

/// As [`json_from_str`], from JSON already read into a `serde_json::Value`.
pub fn json_from_value<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> Result<T> {
    serde_path_to_error::deserialize(value).map_err(|e| Error::from_json_at(&e))
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode as C;
        if let rusqlite::Error::SqliteFailure(f, _) = &e {
            return match f.code {
                C::DiskFull => Error::DiskFull,
                C::DatabaseBusy | C::DatabaseLocked => Error::Busy,
                C::NotADatabase => Error::NotAStore { path: String::new() },
                C::ReadOnly | C::CannotOpen | C::PermissionDenied => Error::DirNotWritable { dir: String::new() },
                // The trigger messages and constraint names hold no record values.
                _ => Error::Db { what: format!("{:?}: {}", f.code, e), source: Some(e) },
            };
        }
        match e {
            rusqlite::Error::QueryReturnedNoRows => Error::Db { what: "該当する行がありません".into(), source: Some(e) },
            // Other variants may quote column values; keep only that it happened.
            _ => Error::Db { what: "内部エラー".into(), source: Some(e) },
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        // ENOSPC (28) and ERROR_DISK_FULL (112) / ERROR_HANDLE_DISK_FULL (39) on Windows.
        if e.kind() == std::io::ErrorKind::StorageFull || matches!(e.raw_os_error(), Some(28) | Some(112) | Some(39)) {
            return Error::DiskFull;
        }
        Error::File { path: String::new(), source: Some(e) }
    }
}

/// The error as the UI receives it over IPC.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ErrorDto {
    pub code: String,
    pub message: String,
    pub violations: Vec<Violation>,
}

impl From<&Error> for ErrorDto {
    fn from(e: &Error) -> Self {
        ErrorDto {
            code: e.code().to_string(),
            message: e.to_string(),
            violations: match e {
                Error::Invalid(v) => v.clone(),
                _ => Vec::new(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Workplace;

    fn json_err(s: &str) -> String {
        let e = serde_json::from_str::<Workplace>(s).unwrap_err();
        Error::from_json(&e).to_string()
    }

    #[test]
    fn json_errors_are_japanese_and_drop_values() {
        let m = json_err(r#"{"name":"山田製作所","colour":"赤"}"#);
        assert!(m.contains("不明な項目「colour」"), "{m}");
        assert!(!m.contains("山田"), "{m}");
        let m = json_err(r#"{"name":"山田製作所","workers_male":-3}"#);
        assert!(m.contains("0以上の整数"), "{m}");
        assert!(!m.contains("-3"), "{m}");
        let m = json_err(r#"{"name":"秘密の名前","industry":"Z"}"#);
        assert!(m.contains("選べる値ではありません"), "{m}");
        let m = json_err(r#"{"name":"#);
        assert!(m.contains("途中で終わって"), "{m}");
        let m = json_err(r#"{"name": 12}"#);
        assert!(m.contains("文字列"), "{m}");
    }

    #[test]
    fn date_errors_pass_through_in_japanese() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct D {
            d: crate::domain::Date,
        }
        let e = serde_json::from_str::<D>(r#"{"d":"2025-02-30"}"#).unwrap_err();
        let m = Error::from_json(&e).to_string();
        assert!(m.contains("存在しない日付"), "{m}");
    }

    /// With serde_path_to_error the message names the field, nested or in a list, and still
    /// never the value.
    #[test]
    fn json_errors_name_the_path_of_the_field() {
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Visit {
            date: crate::domain::Date,
            hours: Option<u32>,
        }
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Outer {
            name: String,
            visits: Vec<Visit>,
            place: Option<Workplace>,
        }
        let err = |s: &str| json_from_str::<Outer>(s).unwrap_err().to_string();
        let m = err(r#"{"name":"秘密","visits":[{"date":"2025-04-01"},{"date":"2025-02-30"}]}"#);
        assert!(m.contains("項目「visits[1].date」: ") && m.contains("存在しない日付") && m.contains("行目"), "{m}");
        assert!(!m.contains("秘密") && !m.contains("02-30"), "{m}");
        let m = err(r#"{"name":"秘密","visits":[{"date":"2025-04-01","hours":-5}]}"#);
        assert!(m.contains("項目「visits[0].hours」: 値の種類が違います。0以上の整数"), "{m}");
        assert!(!m.contains("-5"), "{m}");
        let m = err(r#"{"name":"秘密","visits":[{"date":"2025-04-01","colour":"赤"}]}"#);
        assert!(m.contains("不明な項目「visits[0].colour」"), "{m}");
        let m = err(r#"{"name":"秘密","visits":[{"hours":3}]}"#);
        assert!(m.contains("必須の項目「visits[0].date」がありません"), "{m}");
        let m = err(r#"{"name":"秘密","visits":[],"place":{"name":"山田製作所","industry":"Z"}}"#);
        assert!(m.contains("項目「place.industry」: 「Z」は選べる値ではありません"), "{m}");
        let m = err(r#"{"name":"秘密","visits":[]} x"#);
        assert!(m.contains("JSON の書き方に誤りがあります"), "{m}");
        let m = json_from_value::<Outer>(serde_json::json!({"name": 12, "visits": []})).unwrap_err().to_string();
        assert!(m.contains("項目「name」: 値の種類が違います。文字列"), "{m}");
        // A key that is not a field name (a map's key may be anything typed) is not repeated.
        let m = json_from_str::<std::collections::BTreeMap<String, u32>>(r#"{"山田 太郎":"x"}"#).unwrap_err().to_string();
        assert!(m.contains("項目「…」: 値の種類が違います") && !m.contains("山田"), "{m}");
    }

    #[test]
    fn every_error_has_a_code_and_a_japanese_message() {
        // One of each variant (and each delivery code). `variant` below matches every variant
        // with no wildcard: a new variant does not compile until it is listed here too.
        fn variant(e: &Error) -> usize {
            match e {
                Error::WrongPassphrase => 0,
                Error::WrongRecoveryKey => 1,
                Error::WeakPassphrase { .. } => 2,
                Error::NotInitialised { .. } => 3,
                Error::AlreadyInitialised { .. } => 4,
                Error::NotAStore { .. } => 5,
                Error::DirNotWritable { .. } => 6,
                Error::DiskFull => 7,
                Error::Busy => 8,
                Error::Invalid(_) => 9,
                Error::Json(_) => 10,
                Error::NotFound { .. } => 11,
                Error::AlreadyFinal => 12,
                Error::NotFinal => 13,
                Error::ReasonRequired => 14,
                Error::NoChange => 15,
                Error::File { .. } => 16,
                Error::Db { .. } => 17,
                Error::Integrity(_) => 18,
                Error::BackupInvalid { .. } => 19,
                Error::RestoreWouldLose { .. } => 20,
                Error::RestoreUnverifiable => 21,
                Error::FontUnreadable { .. } => 22,
                Error::NotAFont { .. } => 23,
                Error::NoGlyph(_) => 24,
                Error::Pdf(_) => 25,
                Error::Xlsx(_) => 26,
                Error::CsvUnencodable { .. } => 27,
                Error::CsvUnreadable(_) => 28,
                Error::FeeRequired { .. } => 29,
                Error::FeeNotRequired => 30,
                Error::StillRetained { .. } => 31,
                Error::RetentionHeld { .. } => 32,
                Error::Delivery { .. } => 33,
                Error::KdfOutOfRange { .. } => 34,
                Error::SchemaTooNew { .. } => 35,
                Error::StoreInUse { .. } => 36,
                Error::Cancelled => 37,
            }
        }
        const VARIANTS: usize = 38;
        let io = || std::io::Error::other("x");
        let mut errors = vec![
            Error::WrongPassphrase,
            Error::WrongRecoveryKey,
            Error::WeakPassphrase { min: 12 },
            Error::NotInitialised { dir: "/d".into() },
            Error::AlreadyInitialised { dir: "/d".into() },
            Error::NotAStore { path: "/d/x".into() },
            Error::DirNotWritable { dir: "/d".into() },
            Error::DiskFull,
            Error::Busy,
            Error::invalid("work_status.total_hours", "時間外・休日労働時間を入力してください。"),
            Error::Json("1行目 3列: 数が必要です".into()),
            Error::NotFound { what: "記録", id: "r1".into() },
            Error::AlreadyFinal,
            Error::NotFinal,
            Error::ReasonRequired,
            Error::NoChange,
            Error::File { path: "/d/x.pdf".into(), source: Some(io()) },
            Error::from(rusqlite::Error::InvalidQuery),
            Error::Integrity("監査ログの連鎖".into()),
            Error::BackupInvalid { reason: "形式".into() },
            Error::RestoreWouldLose { lost: 2 },
            Error::RestoreUnverifiable,
            Error::FontUnreadable { path: "/f.ttf".into() },
            Error::NotAFont { path: "/f.ttf".into() },
            Error::NoGlyph('𠮷'),
            Error::Pdf("ページ".into()),
            Error::Xlsx("シート".into()),
            Error::CsvUnencodable { chars: "𠮷".into() },
            Error::CsvUnreadable("2行目".into()),
            Error::FeeRequired { amount: Some(8625) },
            Error::FeeNotRequired,
            Error::StillRetained { count: 1, until: "令和12年4月1日まで".into() },
            Error::RetentionHeld { count: 1, detail: "・ID r1: センターに届いていません".into() },
            Error::KdfOutOfRange { what: "m_cost".into(), allowed: "19456〜262144".into() },
            Error::SchemaTooNew { found: 99, known: 10 },
            Error::StoreInUse { dir: "/d".into() },
            Error::Cancelled,
        ];
        for code in DeliveryCode::ALL {
            errors.push(Error::delivery(code, "センターに送れませんでした。設定を確かめてください。"));
        }
        let mut seen = [false; VARIANTS];
        let mut codes = std::collections::BTreeSet::new();
        for e in &errors {
            seen[variant(e)] = true;
            let code = e.code();
            assert!(!code.is_empty() && code.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{code}");
            assert!(codes.insert(code), "two errors share the code {code}");
            let message = e.to_string();
            assert!(message.chars().any(|c| ('\u{3040}'..='\u{30ff}').contains(&c)), "{code}: not Japanese: {message}");
            let dto = ErrorDto::from(e);
            assert_eq!((dto.code.as_str(), dto.message.as_str()), (code, message.as_str()), "the boundary gives the code and the message");
        }
        assert!(seen.iter().all(|s| *s), "a variant without a sample: {:?}", seen.iter().enumerate().filter(|(_, s)| !**s).map(|(i, _)| i).collect::<Vec<_>>());
        // The causes are kept: a file error and a store error carry their source.
        use std::error::Error as _;
        assert!(errors[16].source().is_some() && errors[17].source().is_some());
    }
}
