//! Retention of the records (the rules, no storage): kept 5 years from the date performed
//! (別添1 §2(5), 別添2 §2(6)), then destroyed with a 廃棄記録. The store reads the rows and
//! destroys them in one transaction (`store::retention`); a centre's PostgreSQL does the same
//! with these rules.

use chrono::Datelike;
use serde::Serialize;
use ts_rs::TS;

use super::{Date, RecordKind, RecordStatus};
use crate::error::{Error, Result};

/// Records are kept 5 years from the date performed (別添1 §2(5), 別添2 §2(6)).
pub const RETENTION_YEARS: i32 = 5;

/// The last day a record performed on `performed` must be kept.
pub fn retain_until(performed: Date) -> Date {
    let d = performed.naive();
    let y = d.year() + RETENTION_YEARS;
    // 29 February + 5 years is 28 February.
    Date(d.with_year(y).unwrap_or_else(|| chrono::NaiveDate::from_ymd_opt(y, d.month(), 28).expect("28th exists")))
}

/// The day of a stored time (`2025-06-10T…Z` → 2025-06-10), as stored (UTC).
pub fn day_of(ts: &str) -> Option<Date> {
    ts.get(..10).and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()).map(Date)
}

/// Kept for ever: a record whose dates cannot be read.
pub fn never() -> Date {
    Date(chrono::NaiveDate::from_ymd_opt(9999, 12, 31).expect("a valid date"))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct RetentionItem {
    pub record_id: String,
    pub kind: RecordKind,
    pub status: RecordStatus,
    /// The fiscal year of the 台帳 number (or of the record, when it has none).
    pub fiscal_year: Option<i32>,
    /// 台帳の番号
    pub ledger_number: Option<u32>,
    pub performed_on: Option<Date>,
    /// The last day the record must be kept.
    pub retain_until: Date,
    /// Why it may not be destroyed yet although its period is over (not delivered to the
    /// centre, or finalised less than 5 years ago); `None` when it may be destroyed.
    pub held: Option<String>,
}

/// 廃棄記録: one destroyed record. Kept for good; no names and no health data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct DestructionRecord {
    pub id: String,
    pub record_id: String,
    pub kind: RecordKind,
    pub fiscal_year: Option<i32>,
    pub ledger_number: Option<u32>,
    pub performed_on: Option<Date>,
    pub retain_until: Option<Date>,
    pub destroyed_at: String,
    /// The staff id of who destroyed it.
    pub destroyed_by: String,
    pub destroyed_by_name: Option<String>,
    pub reason: String,
}

/// What `destroy` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct DestructionReport {
    pub destroyed: Vec<DestructionRecord>,
    /// Workers deleted because no record names them any more.
    pub workers_deleted: u32,
    /// The size of the database files before and after the rebuild.
    #[ts(type = "number")]
    pub file_bytes_before: u64,
    #[ts(type = "number")]
    pub file_bytes_after: u64,
    /// The rebuild ran. False only when another process kept the files busy: the records are
    /// destroyed all the same (secure_delete overwrote them), and the next destruction rebuilds.
    pub compacted: bool,
    /// PDFs of the destroyed records that the user chose to save elsewhere (「PDFを保存…」,
    /// `chisanpo pdf --out`), as the audit log names them, still there: the app does not delete
    /// a file the user placed, so the user is told to (ADR 0017). PDFs made for printing are
    /// in the print spool, which the destruction empties.
    pub saved_copies: Vec<String>,
}

/// A consolidated record's retention: 5 years from the date performed, or from when it first
/// arrived when it has none. Shared by the embedded store and PostgreSQL.
pub fn retention_item(
    record_id: String,
    kind: String,
    fiscal_year: Option<i32>,
    ledger_number: Option<u32>,
    performed_on: Option<String>,
    arrived: Option<String>,
) -> RetentionItem {
    let performed: Option<Date> = performed_on.and_then(|s| s.parse().ok());
    let until = performed.map(retain_until).or_else(|| arrived.as_deref().and_then(day_of).map(retain_until));
    RetentionItem {
        record_id,
        kind: RecordKind::parse(&kind).unwrap_or(RecordKind::Consultation),
        status: RecordStatus::Final,
        fiscal_year,
        ledger_number,
        performed_on: performed,
        retain_until: until.unwrap_or(never()),
        held: None,
    }
}

/// Shown (and refused) when a due record has not reached the centre.
pub const HELD_UNDELIVERED: &str = "センターに届いていないため廃棄できません。配送してから廃棄してください。";

/// Why a record consolidated at a centre may not be destroyed yet: it first arrived there less
/// than 5 years ago (by the centre's clock), whatever its typed date says (a mistyped era, say).
/// Shared by the embedded store and PostgreSQL.
pub fn arrived_too_recently(arrived: Option<&str>, today: Date) -> Option<String> {
    let day = arrived.and_then(day_of)?;
    (retain_until(day) >= today).then(|| {
        format!(
            "センターに届いた日（{}）から5年たっていないため廃棄できません。実施日と届いた日が5年以上離れています。記録を作った端末で実施日を確かめてください。",
            day.wareki()
        )
    })
}

/// The reason, trimmed, and at least one id: what every destruction needs.
pub fn check_destroy_request<'a>(ids: &[String], reason: &'a str) -> Result<&'a str> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::invalid("reason", "廃棄の理由を入力してください（例: 保存期間（5年）満了のため）。"));
    }
    if ids.is_empty() {
        return Err(Error::invalid("ids", "廃棄する記録を選んでください。"));
    }
    Ok(reason)
}

impl DestructionRecord {
    /// The 廃棄記録 of destroying `it` now.
    pub fn of(it: &RetentionItem, id: String, by_id: &str, by_name: &str, reason: &str, at: &str) -> Self {
        DestructionRecord {
            id,
            record_id: it.record_id.clone(),
            kind: it.kind,
            fiscal_year: it.fiscal_year,
            ledger_number: it.ledger_number,
            performed_on: it.performed_on,
            retain_until: Some(it.retain_until),
            destroyed_at: at.to_string(),
            destroyed_by: by_id.to_string(),
            destroyed_by_name: Some(by_name.to_string()),
            reason: reason.to_string(),
        }
    }
}

pub fn ledger_order(d: &DestructionRecord) -> impl Ord + '_ {
    (d.destroyed_at.as_str(), d.kind.as_str(), d.fiscal_year, d.ledger_number, d.performed_on, d.record_id.as_str())
}
