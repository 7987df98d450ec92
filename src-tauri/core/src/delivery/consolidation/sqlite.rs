//! The embedded consolidated store: tables in the centre's own encrypted SQLite store
//! (migrations 0005 and 0006). Every change also goes into the store's audit chain, in the same
//! transaction.

use std::collections::HashMap;

use rusqlite::{params, OptionalExtension};

use super::proof::{ProofCheck, Prover, Tombstone, VersionRow};
use super::{destruction_id, group_records, newest_first, Applied, Checked, Consolidation, KeptPayload, ReceiptRow};
use crate::delivery::anchors::{AuditHead, DeviceAnchor};
use crate::delivery::bundle::Refusal;
use crate::delivery::consolidated::note_version;
use crate::delivery::enrol::{EnrolledDevice, EnrolmentRequest};
use crate::delivery::import::ConsolidatedRecord;
use crate::delivery::{get_setting, setting};
use crate::domain::Date;
use crate::error::{Error, Result};
use crate::ledger::annual::AnnualRow;
use crate::ledger::retention::{DestructionRecord, RetentionItem};
use crate::ledger::{Ledger, LedgerFilter, LedgerKind, ReportSource, ThisStore};
use crate::store::{Action, Store};

pub struct SqliteConsolidation<'a>(pub &'a Store);

pub(crate) fn other_key(device_id: &str) -> Error {
    Error::Delivery(format!(
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
            let known: Option<String> =
                tx.query_row("SELECT public_key FROM centre_devices WHERE device_id = ?1", [&req.device_id], |r| r.get(0)).optional()?;
            match known {
                Some(k) if k == req.public_key => return Ok(false),
                Some(_) => return Err(other_key(&req.device_id)),
                None => {}
            }
            tx.execute(
                "INSERT INTO centre_devices (device_id, public_key, label, enrolled_at) VALUES (?1, ?2, ?3, ?4)",
                params![req.device_id, req.public_key, req.label, at],
            )?;
            store.audit(tx, Action::Create, &req.device_id, serde_json::json!({ "delivery": "enrol_device", "public_key": req.public_key }))?;
            Ok(true)
        })
    }

    fn devices(&mut self) -> Result<Vec<EnrolledDevice>> {
        self.0.read(|c| {
            let mut stmt = c.prepare(
                "SELECT d.device_id, d.public_key, d.label, d.enrolled_at, a.flagged FROM centre_devices d \
                 LEFT JOIN device_anchors a ON a.device_id = d.device_id ORDER BY d.enrolled_at, d.device_id",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok(EnrolledDevice { device_id: r.get(0)?, public_key: r.get(1)?, label: r.get(2)?, enrolled_at: r.get(3)?, flagged: r.get(4)? })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    fn device_key(&mut self, device_id: &str) -> Result<Option<String>> {
        self.0.read(|c| Ok(c.query_row("SELECT public_key FROM centre_devices WHERE device_id = ?1", [device_id], |r| r.get(0)).optional()?))
    }

    fn seen(&mut self, sha256: &str) -> Result<Option<String>> {
        self.0.read(|c| Ok(c.query_row("SELECT outcome FROM centre_bundles WHERE sha256 = ?1", [sha256], |r| r.get(0)).optional()?))
    }

    fn kept_payload(&mut self, sha256: &str) -> Result<KeptPayload> {
        self.0.read(|c| {
            let text: Option<String> = c.query_row("SELECT payload FROM consolidated_payloads WHERE sha256 = ?1", [sha256], |r| r.get(0)).optional()?;
            let removed: Option<(String, String)> = c
                .query_row("SELECT device_id, entries FROM consolidated_payloads_destroyed WHERE sha256 = ?1", [sha256], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            // The embedded store's tombstones are made only by its own destruction (audited).
            Ok(match (text, removed) {
                (Some(t), _) => KeptPayload::Text(t),
                (None, Some((device_id, entries))) => KeptPayload::Removed { device_id, entries, trusted: true },
                (None, None) => KeptPayload::Nothing,
            })
        })
    }

    fn applied_files(&mut self) -> Result<HashMap<String, String>> {
        self.0.read(|c| {
            let mut stmt = c.prepare("SELECT file_name, sha256 FROM centre_bundles WHERE outcome = 'applied'")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    fn apply(&mut self, bundle: &Checked, file: &str, sha256: &str, source: &str, at: &str) -> Result<Applied> {
        let store = self.0;
        let payload = &bundle.payload;
        store.write(|tx| {
            keep_payload(tx, bundle, file, sha256, at)?;
            let mut a = Applied::default();
            for e in &payload.entries {
                if e.entry_type == "destruction" {
                    a.destructions += tx.execute(
                        "INSERT INTO consolidated_destructions (destruction_id, record_id, device_id, detail, imported_at, bundle) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
                        params![destruction_id(&e.content, &e.content_hash), e.record_id, payload.device_id, e.content, at, file],
                    )?;
                    continue;
                }
                let n = tx.execute(
                    "INSERT INTO consolidated_versions (record_id, version, content_hash, kind, device_id, content, reason, author_id, author_name, created_at, imported_at, bundle) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) ON CONFLICT DO NOTHING",
                    params![e.record_id, e.version, e.content_hash, e.kind, payload.device_id, e.content, e.reason, e.author_id, e.author_name, e.created_at, at, file],
                )?;
                if n == 1 {
                    a.added += 1;
                    note_version(tx, &payload.device_id, e, at)?;
                } else {
                    a.present += 1;
                }
            }
            let entries = (a.added + a.destructions) as i64;
            tx.execute(
                "INSERT INTO centre_bundles (sha256, file_name, device_id, outcome, reason, entries, at, source, code) VALUES (?1, ?2, ?3, 'applied', NULL, ?4, ?5, ?6, NULL) \
                 ON CONFLICT(sha256) DO UPDATE SET device_id = excluded.device_id, outcome = 'applied', reason = NULL, entries = excluded.entries, \
                 at = excluded.at, source = excluded.source, code = NULL, receipt_at = NULL",
                params![sha256, file, payload.device_id, entries, at, source],
            )?;
            store.audit(tx, Action::Edit, file, serde_json::json!({ "delivery": "import_applied", "sha256": sha256, "device_id": payload.device_id, "entries": entries }))?;
            Ok(a)
        })
    }

    fn refuse(&mut self, file: &str, sha256: &str, source: &str, device: Option<&str>, refusal: &Refusal, at: &str) -> Result<()> {
        let store = self.0;
        store.write(|tx| {
            let n = tx.execute(
                "INSERT INTO centre_bundles (sha256, file_name, device_id, outcome, reason, entries, at, source, code) VALUES (?1, ?2, ?3, 'quarantined', ?4, 0, ?5, ?6, ?7) \
                 ON CONFLICT(sha256) DO NOTHING",
                params![sha256, file, device, refusal.message(), at, source, refusal.code()],
            )?;
            if n == 1 {
                store.audit(tx, Action::Edit, file, serde_json::json!({ "delivery": "import_quarantined", "sha256": sha256, "device_id": device, "entries": 0 }))?;
            }
            Ok(())
        })
    }

    fn pending_receipts(&mut self, source: &str, also: &[String]) -> Result<Vec<ReceiptRow>> {
        self.0.read(|c| {
            let mut stmt = c.prepare(
                "SELECT sha256, file_name, device_id, outcome, code, reason, at FROM centre_bundles \
                 WHERE (receipt_at IS NULL AND source = ?1) OR sha256 IN (SELECT value FROM json_each(?2)) ORDER BY at, file_name",
            )?;
            let rows = stmt.query_map(params![source, serde_json::to_string(also).expect("ids serialise")], |r| {
                Ok(ReceiptRow {
                    sha256: r.get(0)?,
                    file_name: r.get(1)?,
                    device_id: r.get(2)?,
                    outcome: r.get(3)?,
                    code: r.get(4)?,
                    reason: r.get(5)?,
                    at: r.get(6)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    fn receipt_written(&mut self, sha256: &str, at: &str) -> Result<()> {
        self.0.write(|tx| Ok(tx.execute("UPDATE centre_bundles SET receipt_at = ?2 WHERE sha256 = ?1", params![sha256, at]).map(|_| ())?))
    }

    fn device_anchor(&mut self, device_id: &str) -> Result<Option<DeviceAnchor>> {
        self.0.read(|c| {
            Ok(c.query_row("SELECT bundle_seq, audit_seq, audit_hash FROM device_anchors WHERE device_id = ?1", [device_id], |r| {
                Ok(DeviceAnchor { bundle_seq: r.get::<_, i64>(0)? as u64, head: AuditHead { seq: r.get(1)?, hash: r.get(2)? } })
            })
            .optional()?)
        })
    }

    fn keep_device_anchor(&mut self, device_id: &str, anchor: &DeviceAnchor, flag: Option<&str>, at: &str) -> Result<()> {
        self.0.write(|tx| {
            tx.execute(
                "INSERT INTO device_anchors (device_id, bundle_seq, audit_seq, audit_hash, updated_at, flagged, flagged_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, CASE WHEN ?6 IS NULL THEN NULL ELSE ?5 END) \
                 ON CONFLICT (device_id) DO UPDATE SET bundle_seq = excluded.bundle_seq, audit_seq = excluded.audit_seq, audit_hash = excluded.audit_hash, \
                   updated_at = excluded.updated_at, flagged = coalesce(excluded.flagged, flagged), flagged_at = coalesce(excluded.flagged_at, flagged_at) \
                 WHERE excluded.bundle_seq > device_anchors.bundle_seq",
                rusqlite::params![device_id, anchor.bundle_seq as i64, anchor.head.seq, anchor.head.hash, at, flag],
            )?;
            Ok(())
        })
    }

    fn conflicted(&mut self, record_id: &str) -> Result<bool> {
        self.0.read(|c| {
            Ok(c.query_row(
                "SELECT EXISTS (SELECT 1 FROM consolidated_versions WHERE record_id = ?1 GROUP BY version HAVING count(DISTINCT content_hash) > 1) \
                 OR EXISTS (SELECT 1 FROM consolidated_versions v JOIN consolidated_latest l ON l.record_id = v.record_id \
                            WHERE v.record_id = ?1 AND v.device_id <> l.device_id)",
                [record_id],
                |r| r.get(0),
            )?)
        })
    }

    fn records(&mut self) -> Result<Vec<ConsolidatedRecord>> {
        let mut out = self.0.read(|c| {
            let mut stmt = c.prepare(
                "SELECT v.record_id, v.kind, v.version, v.device_id, v.content FROM consolidated_versions v \
                 ORDER BY v.record_id, v.version DESC, v.imported_at, v.device_id",
            )?;
            let rows = stmt
                .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, u32>(2)?, r.get::<_, String>(3)?, r.get::<_, String>(4)?)))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(group_records(rows))
        })?;
        for r in &mut out {
            r.needs_review = self.conflicted(&r.id)?;
            r.review = r.needs_review.then(|| "要確認".to_string());
            r.destroyed_on_device =
                self.0.read(|c| Ok(c.query_row("SELECT EXISTS (SELECT 1 FROM consolidated_destructions WHERE record_id = ?1)", [&r.id], |x| x.get(0))?))?;
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
            let mut stmt = c.prepare("SELECT device_id, public_key FROM centre_devices")?;
            let devices = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, None)))?.collect::<rusqlite::Result<Vec<_>>>()?;
            let mut prover = Prover::new(centre_id, devices);
            let mut stmt = c.prepare("SELECT file_name, device_id, payload, signature FROM consolidated_payloads ORDER BY sha256")?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                prover.payload(&r.get::<_, String>(0)?, &r.get::<_, String>(1)?, &r.get::<_, String>(2)?, &r.get::<_, String>(3)?);
            }
            // The embedded store's tombstones are made only by its own destruction, which its
            // audit chain records (`verify`): trusted.
            let mut stmt = c.prepare("SELECT device_id, entries, destroyed_at FROM consolidated_payloads_destroyed")?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let at = super::postgres::seconds_of(&r.get::<_, String>(2)?);
                prover.removed_payload(&r.get::<_, String>(0)?, &r.get::<_, String>(1)?, at, Tombstone::Trusted);
            }
            let mut stmt = c.prepare(
                "SELECT v.record_id, v.version, v.content_hash, v.kind, v.device_id, v.content, v.reason, v.author_id, v.author_name, v.created_at, v.imported_at, \
                 EXISTS (SELECT 1 FROM consolidated_before_proofs b WHERE b.record_id = v.record_id AND b.version = v.version AND b.content_hash = v.content_hash) \
                 FROM consolidated_versions v ORDER BY v.record_id, v.version",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                prover.version(VersionRow {
                    record_id: r.get(0)?,
                    version: r.get(1)?,
                    content_hash: r.get(2)?,
                    kind: r.get(3)?,
                    device_id: r.get(4)?,
                    content: r.get(5)?,
                    reason: r.get(6)?,
                    author_id: r.get(7)?,
                    author_name: r.get(8)?,
                    created_at: r.get(9)?,
                    arrived: super::postgres::seconds_of(&r.get::<_, String>(10)?),
                    received_by: None,
                    before_proofs: r.get(11)?,
                });
            }
            let mut stmt = c.prepare(
                "SELECT d.destruction_id, d.record_id, d.device_id, d.detail, \
                 EXISTS (SELECT 1 FROM consolidated_destructions_before_proofs b WHERE b.destruction_id = d.destruction_id) FROM consolidated_destructions d",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                prover.destruction(&r.get::<_, String>(0)?, &r.get::<_, String>(1)?, &r.get::<_, String>(2)?, &r.get::<_, String>(3)?, r.get(4)?);
            }
            let mut stmt = c.prepare("SELECT record_id, version, content_hash, device_id FROM consolidated_latest")?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                prover.latest(r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
            }
            Ok(prover)
        })?;
        prover.finish(
            self.0,
            "このストアの集約した記録が、取り込み以外の方法で書き換えられています。名前の出た記録をそれを作った端末の記録と照らし合わせ、必要ならバックアップから復元してください。",
        )
    }
}

/// Keep a checked bundle's payload as its device signed it, and which records it holds.
fn keep_payload(tx: &rusqlite::Transaction, bundle: &Checked, file: &str, sha256: &str, at: &str) -> Result<()> {
    let n = tx.execute(
        "INSERT INTO consolidated_payloads (sha256, file_name, device_id, payload, signature, imported_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
        params![sha256, file, bundle.payload.device_id, bundle.text, bundle.signature, at],
    )?;
    if n == 0 {
        let kept: String = tx.query_row("SELECT payload FROM consolidated_payloads WHERE sha256 = ?1", [sha256], |r| r.get(0))?;
        if kept != bundle.text {
            return Err(super::other_payload(file, "このストア"));
        }
    }
    if n == 1 {
        for e in &bundle.payload.entries {
            tx.execute("INSERT INTO consolidated_payload_records (record_id, sha256) VALUES (?1, ?2) ON CONFLICT DO NOTHING", params![e.record_id, sha256])?;
        }
    }
    Ok(())
}

impl ReportSource for SqliteConsolidation<'_> {
    fn ledger(&mut self, kind: LedgerKind, filter: &LedgerFilter) -> Result<Ledger> {
        ThisStore(self.0).ledger(kind, filter)
    }

    fn annual_rows(&mut self, fiscal_year: i32) -> Result<Option<Vec<AnnualRow>>> {
        ThisStore(self.0).annual_rows(fiscal_year)
    }
}
