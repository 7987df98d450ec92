//! Where the centre keeps what it consolidated, behind one trait: the centre's own encrypted
//! SQLite store (the embedded default, `sqlite`), or a PostgreSQL database shared by several
//! coordinators (`postgres`). The import (`super::import`) checks bundles the same way for both
//! and hands each checked bundle to the store, which applies it in one transaction.
//!
//! Either way the same rules hold: a (record, version, content hash) already there is a no-op;
//! two contents for one (record, version) are both kept (要確認); versions are never updated or
//! deleted; a record's 台帳 number is given on first arrival and never changes.

#[cfg(feature = "postgres")]
pub mod move_to;
#[cfg(feature = "postgres")]
mod pg_batch;
#[cfg(feature = "postgres")]
mod pg_connect;
#[cfg(feature = "postgres")]
pub mod postgres;
pub mod proof;
pub mod sqlite;

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::anchors::DeviceAnchor;
use super::bundle::{Payload, Refusal};
use super::enrol::{EnrolledDevice, EnrolmentRequest};
use super::import::ConsolidatedRecord;
use crate::domain::retention::{DestructionRecord, RetentionItem};
use crate::domain::Date;
use crate::error::Result;
use crate::ledger::ReportSource;

/// What applying one bundle added.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Applied {
    pub added: usize,
    pub present: usize,
    pub destructions: usize,
}

/// A bundle that passed the import's checks: its payload, and the payload text exactly as the
/// device signed it with the signature, kept so that the centre can check every consolidated row
/// again later (ADR 0026).
#[derive(Debug, Clone)]
pub struct Checked {
    pub payload: Payload,
    pub text: String,
    pub signature: String,
}

/// The signed payload a consolidated store keeps under a bundle's SHA-256.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeptPayload {
    /// The payload text, as its device signed it.
    Text(String),
    /// Removed with a destroyed record: only its device and the ids and hashes of its entries
    /// are left (`entries`, JSON `[[entry_type, record_id, version, content_hash], …]`), and
    /// whether the tombstone is one to trust (sealed by a coordinator's app, ADR 0026 addendum).
    Removed { device_id: String, entries: String, trusted: bool },
    /// None: the bundle was not applied.
    Nothing,
}

impl KeptPayload {
    /// Whether what is kept agrees with the bundle `checked`: its very payload text, or nothing
    /// yet, or a trusted tombstone of its device with exactly its entries. A tombstone anyone
    /// could have made (a role calling the database's destruction itself) agrees with nothing.
    pub fn matches(&self, checked: &Checked) -> bool {
        match self {
            KeptPayload::Text(t) => *t == checked.text,
            KeptPayload::Nothing => true,
            KeptPayload::Removed { device_id, entries, trusted } => {
                let ids = |v: &mut Vec<(String, String, u32, String)>| v.sort();
                let mut left: Vec<(String, String, u32, String)> = serde_json::from_str(entries).unwrap_or_default();
                let mut right: Vec<(String, String, u32, String)> =
                    checked.payload.entries.iter().map(|e| (e.entry_type.clone(), e.record_id.clone(), e.version, e.content_hash.clone())).collect();
                ids(&mut left);
                ids(&mut right);
                *trusted && *device_id == checked.payload.device_id && !right.is_empty() && left == right
            }
        }
    }
}

/// A receipt still to be written: a bundle looked at, and what became of it (the row the
/// embedded store keeps; PostgreSQL returns the same).
pub use crate::store::consolidated::BundleRow as ReceiptRow;

/// The consolidated centre store.
pub trait Consolidation: ReportSource {
    /// For messages: "この端末のストア" or the database's host and name (never a password).
    fn describe(&self) -> String;
    /// Add a device to the list. The same request twice is a no-op (`false`); another key for
    /// a known device is refused.
    fn enrol_device(&mut self, req: &EnrolmentRequest, at: &str) -> Result<bool>;
    fn devices(&mut self) -> Result<Vec<EnrolledDevice>>;
    /// The enrolled public key of a device.
    fn device_key(&mut self, device_id: &str) -> Result<Option<String>>;
    /// What became of a bundle file with this SHA-256 before: `applied`, `quarantined`, or none.
    fn seen(&mut self, sha256: &str) -> Result<Option<String>>;
    /// The signed payload kept under a bundle's SHA-256.
    fn kept_payload(&mut self, sha256: &str) -> Result<KeptPayload>;
    /// The files applied so far, by name, with their SHA-256 (to skip them unread).
    fn applied_files(&mut self) -> Result<HashMap<String, String>>;
    /// Apply a checked bundle, keep its signed payload, and record it as applied, in one
    /// transaction.
    fn apply(&mut self, bundle: &Checked, file: &str, sha256: &str, source: &str, at: &str) -> Result<Applied>;
    /// Record a refused bundle (quarantined) with its reason, or a bundle refused before that
    /// is refused again (nothing changes then).
    fn refuse(&mut self, file: &str, sha256: &str, source: &str, device: Option<&str>, refusal: &Refusal, at: &str) -> Result<()>;
    /// Bundles of this source looked at since their last receipt, and the bundles named in
    /// `also` (seen here but applied from another source).
    fn pending_receipts(&mut self, source: &str, also: &[String]) -> Result<Vec<ReceiptRow>>;
    fn receipt_written(&mut self, sha256: &str, at: &str) -> Result<()>;
    /// The audit anchor held for a device: its newest applied bundle and that bundle's head.
    fn device_anchor(&mut self, device_id: &str) -> Result<Option<DeviceAnchor>>;
    /// Keep a device's anchor; `flag` (why its chain went back) is kept until replaced, never
    /// cleared by a later bundle.
    fn keep_device_anchor(&mut self, device_id: &str, anchor: &DeviceAnchor, flag: Option<&str>, at: &str) -> Result<()>;
    /// Two different contents for one version of this record (要確認).
    fn conflicted(&mut self, record_id: &str) -> Result<bool>;
    /// The records among `ids` that are 要確認 (`conflicted`), asked at once where a round trip
    /// costs (PostgreSQL).
    fn conflicted_among(&mut self, ids: &[&str]) -> Result<HashSet<String>> {
        let mut out = HashSet::new();
        for id in ids {
            if self.conflicted(id)? {
                out.insert(id.to_string());
            }
        }
        Ok(out)
    }
    /// What the coordinator's home screen counts: devices, records, 要確認, bundles applied and
    /// set aside (the newest `limit` of those with their reasons).
    fn counts(&mut self, limit: usize) -> Result<crate::store::consolidated::CentreCounts>;
    /// The consolidated records, newest first.
    fn records(&mut self) -> Result<Vec<ConsolidatedRecord>>;
    /// Records whose retention period is over on `today` (on the embedded store, with the
    /// centre's own).
    fn retention_due(&mut self, today: Date) -> Result<Vec<RetentionItem>>;
    /// Destroy records past their retention period, all or none, leaving a 廃棄記録 each.
    fn destroy(&mut self, ids: &[String], reason: &str, today: Date) -> Result<Vec<DestructionRecord>>;
    /// Check every consolidated row against the payloads its devices signed, the current
    /// versions against the proven ones, and the enrolled keys against this coordinator's audit
    /// chain (ADR 0026).
    fn check_proofs(&mut self) -> Result<proof::ProofCheck>;
}

/// Another payload is kept under this bundle's hash (written into the database): the bundle is
/// not applied over it.
pub(crate) fn other_payload(file: &str, store: &str) -> crate::error::Error {
    crate::error::Error::delivery(crate::error::DeliveryCode::PayloadMismatch, format!(
        "{file}: {store}には、このファイルのものとして別の署名付き内容が記録されています（データベースで書き加えられています）。取り込みを取り消しました。`chisanpo centre verify` で確かめ、データベース管理者に連絡してください。"
    ))
}

/// The destruction id of a 廃棄記録 entry (its content's `id`), or its hash.
pub(crate) fn destruction_id(content: &str, content_hash: &str) -> String {
    serde_json::from_str::<serde_json::Value>(content).ok().and_then(|v| v["id"].as_str().map(str::to_string)).unwrap_or_else(|| content_hash.to_string())
}

/// Build `ConsolidatedRecord`s from rows ordered by record, version descending.
pub(crate) fn group_records(rows: impl IntoIterator<Item = (String, String, u32, String, String)>) -> Vec<ConsolidatedRecord> {
    use crate::domain::VersionContent;
    let mut out: Vec<ConsolidatedRecord> = Vec::new();
    for (id, kind, version, device, content) in rows {
        match out.last_mut() {
            Some(r) if r.id == id => {
                if !r.versions.contains(&version) {
                    r.versions.push(version);
                }
                if !r.source_devices.contains(&device) {
                    r.source_devices.push(device);
                }
            }
            _ => {
                let performed = serde_json::from_str::<VersionContent>(&content).ok().and_then(|v| v.body.performed_on());
                out.push(ConsolidatedRecord {
                    id,
                    kind,
                    status: "final".into(),
                    version,
                    versions: vec![version],
                    performed_on: performed.map(|d| d.iso()),
                    fiscal_year: performed.map(|d| crate::domain::fiscal::fiscal_year(d.naive())),
                    source_device: device.clone(),
                    source_devices: vec![device],
                    needs_review: false,
                    review: None,
                    destroyed_on_device: false,
                    consolidated: true,
                });
            }
        }
    }
    for r in &mut out {
        r.versions.sort_unstable();
    }
    out
}

/// Sort newest first (by date performed, then id).
pub(crate) fn newest_first(out: &mut [ConsolidatedRecord]) {
    out.sort_by(|a, b| b.performed_on.cmp(&a.performed_on).then_with(|| b.id.cmp(&a.id)));
}
