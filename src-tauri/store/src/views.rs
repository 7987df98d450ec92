//! What the store returns: the shapes the CLI prints as JSON and the UI receives over IPC.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::domain::hours_report::HoursReport;
use crate::domain::{Date, InterviewFacts, Place, RecordBody, RecordKind, RecordStatus, VersionContent, WorkStatusCategory};

use super::audit::ChainBreak;

/// A workplace, worker or member of staff with its id.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct EntityRow<T> {
    pub id: String,
    pub data: T,
    pub created_at: String,
    pub updated_at: String,
}

/// One line of a record list.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct RecordSummary {
    pub id: String,
    pub kind: RecordKind,
    pub status: RecordStatus,
    /// The latest finalised version (0 while the record is a draft).
    pub version: u32,
    pub performed_on: Option<Date>,
    pub fiscal_year: Option<i32>,
    pub place: Option<Place>,
    pub workplace_id: Option<String>,
    pub workplace_name: Option<String>,
    pub worker_id: Option<String>,
    pub worker_name: Option<String>,
    pub doctor_id: Option<String>,
    /// A draft is open: a new record, or a correction not yet made.
    pub has_draft: bool,
    /// Corrected at least once after finalising (訂正版).
    pub amended: bool,
    pub updated_at: String,
    pub retain_until: Option<Date>,
}

/// One finalised version in a record's history.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct VersionInfo {
    pub version: u32,
    pub created_at: String,
    pub author_id: String,
    pub author_name: String,
    /// 訂正の理由 (absent for the first version)
    pub reason: Option<String>,
    pub content_hash: String,
}

/// A record in full: its summary, the latest finalised version, and the open draft.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct RecordView {
    pub summary: RecordSummary,
    pub current: Option<VersionContent>,
    pub draft: Option<RecordBody>,
    pub versions: Vec<VersionInfo>,
    /// What the core derives from the finalised version (from the draft while there is none):
    /// an interview's hours, 区分 and warnings.
    pub facts: Option<InterviewFacts>,
}

/// One record of a list, with the hours the core derives from an interview (`list --json`).
/// Only the hours: the findings, checklists and warnings stay in the record (`show`).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ListedRecord {
    #[serde(flatten)]
    #[ts(flatten)]
    pub summary: RecordSummary,
    /// The 勤務の状況 computed: both figures, the class, the 2–6 month averages.
    pub hours: Option<HoursReport>,
    /// The 区分 of hours (3/4/5) the hours make, if any.
    pub hours_category: Option<WorkStatusCategory>,
}

/// Filters for listing records. Every field narrows the list.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default, deny_unknown_fields)]
#[ts(export)]
pub struct ListFilter {
    pub kind: Option<RecordKind>,
    pub status: Option<RecordStatus>,
    pub fiscal_year: Option<i32>,
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub workplace_id: Option<String>,
    pub worker_id: Option<String>,
    pub doctor_id: Option<String>,
    /// Only records with an open draft.
    pub drafts_only: bool,
    /// At most this many, newest first. None: all.
    pub limit: Option<u32>,
}

/// The result of `verify`.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct VerifyReport {
    pub ok: bool,
    pub audit_entries: i64,
    pub last_hash: String,
    pub chain_break: Option<ChainBreak>,
    pub versions_checked: i64,
    pub problems: Vec<String>,
    /// What the store lacks of its newest backup, if anything.
    pub backup_gap: Option<super::backup::BackupGap>,
}
