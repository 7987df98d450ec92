//! The embedded consolidated store: tables in the centre's own encrypted SQLite store
//! (migrations 0005 and 0006). Every change also goes into the store's audit chain, in the same
//! transaction.

use std::collections::HashMap;

use super::proof::{ProofCheck, Prover, Tombstone, VersionRow};
use super::{destruction_id, group_records, newest_first, Applied, Checked, Consolidation, KeptPayload, ReceiptRow};
use crate::anchors::{AuditHead, DeviceAnchor};
use crate::bundle::{Entry, Refusal};
use crate::consolidated::note_version;
use crate::domain::retention::{DestructionRecord, RetentionItem};
use crate::domain::Date;
use crate::enrol::{EnrolledDevice, EnrolmentRequest};
use crate::error::{DeliveryCode, Error, Result};
use crate::import::ConsolidatedRecord;
use crate::ledger::annual::AnnualRow;
use crate::ledger::{Ledger, LedgerFilter, LedgerKind, ReportSource, ThisStore};
use crate::store::consolidated as db;
use crate::store::{Action, Store};
use crate::{get_setting, setting};

pub struct SqliteConsolidation<'a>(pub &'a Store);

pub(crate) fn other_key(device_id: &str) -> Error {
    Error::delivery(DeliveryCode::DeviceOtherKey, format!(
        "端末 {device_id} は別の鍵で登録済みです。同じ端末IDで別の鍵を受け付けると、なりすましを防げません。端末が入れ替わった場合は、新しい端末で新しいストアを作って登録してください。"
    ))
}

impl Consolidation for SqliteConsolidation<'_> {
    fn describe(&self) -> String {
        "このセンターのストア".into()
    }

    fn enrol_device(&mut self, req: &EnrolmentRequest, at: &str) -> Result<bool> {
        let store = self.0;
        store.write(|tx| {
            match db::device_key(tx, &req.device_id)? {
                Some(k) if k == req.public_key => return Ok(false),
                Some(_) => return Err(other_key(&req.device_id)),
                None => {}
            }
            db::add_device(tx, &req.device_id, &req.public_key, &req.label, at)?;
            store.audit(tx, Action::Create, &req.device_id, serde_json::json!({ "delivery": "enrol_device", "public_key": req.public_key }))?;
            Ok(true)
        })
    }

    fn devices(&mut self) -> Result<Vec<EnrolledDevice>> {
        let rows = self.0.read(db::devices)?;
        Ok(rows
            .into_iter()
            .map(|d| EnrolledDevice { device_id: d.device_id, public_key: d.public_key, label: d.label, enrolled_at: d.enrolled_at, flagged: d.flagged })
            .collect())
    }

    fn device_key(&mut self, device_id: &str) -> Result<Option<String>> {
        self.0.read(|c| db::device_key(c, device_id))
    }

    fn seen(&mut self, sha256: &str) -> Result<Option<String>> {
        self.0.read(|c| db::bundle_outcome(c, sha256))
    }

    fn kept_payload(&mut self, sha256: &str) -> Result<KeptPayload> {
        let db::KeptUnder { payload: text, tombstone: removed } = self.0.read(|c| db::kept_payload(c, sha256))?;
        // The embedded store's tombstones are made only by its own destruction (audited).
        Ok(match (text, removed) {
            (Some(t), _) => KeptPayload::Text(t),
            (None, Some((device_id, entries))) => KeptPayload::Removed { device_id, entries, trusted: true },
            (None, None) => KeptPayload::Nothing,
        })
    }

    fn applied_files(&mut self) -> Result<HashMap<String, String>> {
        self.0.read(db::applied_files)
    }

    fn apply(&mut self, bundle: &Checked, file: &str, sha256: &str, source: &str, at: &str) -> Result<Applied> {
        let store = self.0;
        let payload = &bundle.payload;
        store.write(|tx| {
            let records: Vec<&str> = payload.entries.iter().map(|e| e.record_id.as_str()).collect();
            if db::keep_payload(tx, sha256, file, &payload.device_id, &bundle.text, &bundle.signature, &records, at)?.is_some() {
                return Err(super::other_payload(file, "このストア"));
            }
            let mut a = Applied::default();
            for e in &payload.entries {
                if e.entry_type == "destruction" {
                    let id = destruction_id(&e.content, &e.content_hash);
                    a.destructions += usize::from(db::add_destruction(tx, &id, &e.record_id, &payload.device_id, &e.content, at, file)?);
                    continue;
                }
                let v = version_in(e, &payload.device_id);
                if db::add_version(tx, &v, at, file)? {
                    a.added += 1;
                    note_version(tx, &v, e, at)?;
                } else {
                    a.present += 1;
                }
            }
            let entries = (a.added + a.destructions) as i64;
            db::note_applied(tx, sha256, file, &payload.device_id, entries, at, source)?;
            store.audit(
                tx,
                Action::Edit,
                file,
                serde_json::json!({ "delivery": "import_applied", "sha256": sha256, "device_id": payload.device_id, "entries": entries }),
            )?;
            Ok(a)
        })
    }

    fn refuse(&mut self, file: &str, sha256: &str, source: &str, device: Option<&str>, refusal: &Refusal, at: &str) -> Result<()> {
        let store = self.0;
        store.write(|tx| {
            let new = db::note_refused(tx, sha256, file, device, &refusal.message(), refusal.code(), at, source)?;
            if new {
                store.audit(
                    tx,
                    Action::Edit,
                    file,
                    serde_json::json!({ "delivery": "import_quarantined", "sha256": sha256, "device_id": device, "entries": 0 }),
                )?;
            }
            Ok(())
        })
    }

    fn pending_receipts(&mut self, source: &str, also: &[String]) -> Result<Vec<ReceiptRow>> {
        self.0.read(|c| db::receipts_pending(c, source, also))
    }

    fn receipt_written(&mut self, sha256: &str, at: &str) -> Result<()> {
        self.0.write(|tx| db::receipt_written(tx, sha256, at))
    }

    fn device_anchor(&mut self, device_id: &str) -> Result<Option<DeviceAnchor>> {
        let row = self.0.read(|c| db::device_anchor(c, device_id))?;
        Ok(row.map(|(bundle_seq, seq, hash)| DeviceAnchor { bundle_seq: bundle_seq as u64, head: AuditHead { seq, hash } }))
    }

    fn keep_device_anchor(&mut self, device_id: &str, anchor: &DeviceAnchor, flag: Option<&str>, at: &str) -> Result<()> {
        self.0.write(|tx| db::keep_device_anchor(tx, device_id, anchor.bundle_seq as i64, anchor.head.seq, &anchor.head.hash, flag, at))
    }

    fn conflicted(&mut self, record_id: &str) -> Result<bool> {
        self.0.read(|c| db::conflicted(c, record_id))
    }

    fn counts(&mut self, limit: usize) -> Result<crate::store::consolidated::CentreCounts> {
        self.0.read(|c| db::centre_counts(c, limit))
    }

    fn records(&mut self) -> Result<Vec<ConsolidatedRecord>> {
        let mut out = group_records(self.0.read(db::all_versions)?);
        for r in &mut out {
            r.needs_review = self.conflicted(&r.id)?;
            r.review = r.needs_review.then(|| "要確認".to_string());
            r.destroyed_on_device = self.0.read(|c| db::destroyed_on_device(c, &r.id))?;
        }
        newest_first(&mut out);
        Ok(out)
    }

    fn retention_due(&mut self, today: Date) -> Result<Vec<RetentionItem>> {
        self.0.retention_due(today)
    }

    fn destroy(&mut self, ids: &[String], reason: &str, today: Date) -> Result<Vec<DestructionRecord>> {
        Ok(self.0.destroy(ids, reason, today)?.destroyed)
    }

    fn check_proofs(&mut self) -> Result<ProofCheck> {
        let prover = self.0.read(|c| {
            let centre_id = get_setting(c, setting::CENTRE_ID)?.unwrap_or_default();
            let devices = db::devices(c)?.into_iter().map(|d| (d.device_id, d.public_key, None));
            let mut rows = ProverRows(Prover::new(centre_id, devices));
            db::proof_rows(c, &mut rows)?;
            Ok(rows.0)
        })?;
        prover.finish(
            self.0,
            "このストアの集約した記録が、取り込み以外の方法で書き換えられています。名前の出た記録をそれを作った端末の記録と照らし合わせ、必要ならバックアップから復元してください。",
        )
    }
}

/// A version of a bundle as the store adds it.
fn version_in<'e>(e: &'e Entry, device_id: &'e str) -> db::VersionIn<'e> {
    db::VersionIn {
        record_id: &e.record_id,
        version: e.version,
        content_hash: &e.content_hash,
        kind: &e.kind,
        device_id,
        content: &e.content,
        reason: e.reason.as_deref(),
        author_id: &e.author_id,
        author_name: &e.author_name,
        created_at: &e.created_at,
    }
}

/// The store's rows, fed to the prover. The embedded store's tombstones are made only by its
/// own destruction, which its audit chain records (`verify`): trusted.
struct ProverRows(Prover);

impl db::ProofRows for ProverRows {
    fn payload(&mut self, file: &str, device_id: &str, payload: &str, signature: &str) {
        self.0.payload(file, device_id, payload, signature);
    }
    fn tombstone(&mut self, device_id: &str, entries: &str, destroyed_at: &str) {
        self.0.removed_payload(device_id, entries, super::proof::seconds_of(destroyed_at), Tombstone::Trusted);
    }
    fn version(&mut self, v: db::VersionOut) {
        self.0.version(VersionRow {
            record_id: v.record_id,
            version: v.version,
            content_hash: v.content_hash,
            kind: v.kind,
            device_id: v.device_id,
            content: v.content,
            reason: v.reason,
            author_id: v.author_id,
            author_name: v.author_name,
            created_at: v.created_at,
            arrived: super::proof::seconds_of(&v.imported_at),
            received_by: None,
            before_proofs: v.before_proofs,
        });
    }
    fn destruction(&mut self, destruction_id: &str, record_id: &str, device_id: &str, detail: &str, before_proofs: bool) {
        self.0.destruction(destruction_id, record_id, device_id, detail, before_proofs);
    }
    fn latest(&mut self, record_id: String, version: u32, content_hash: String, device_id: String) {
        self.0.latest(record_id, version, content_hash, device_id);
    }
}

impl ReportSource for SqliteConsolidation<'_> {
    fn ledger(&mut self, kind: LedgerKind, filter: &LedgerFilter) -> Result<Ledger> {
        ThisStore(self.0).ledger(kind, filter)
    }

    fn annual_rows(&mut self, fiscal_year: i32) -> Result<Option<Vec<AnnualRow>>> {
        ThisStore(self.0).annual_rows(fiscal_year)
    }
}
