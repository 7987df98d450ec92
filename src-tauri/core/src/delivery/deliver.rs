//! One delivery pass: make bundles of what is waiting, read the centre's receipts for bundles
//! sent earlier, then send every bundle not yet sent. A bundle is made once (its sequence number
//! and bytes are stored), so a retry sends the very same file, never a duplicate.
//!
//! Failures are sorted by the transport: when the destination is away (offline, folder gone)
//! the pass stops and everything waits for the next one; when one file fails on its own, the
//! others go on, and after `MAX_FILE_ATTEMPTS` such failures that bundle is set aside on the
//! device (quarantined) with its reason, so it never blocks the queue.

use rusqlite::{params, Connection};
use serde::Serialize;

use super::bundle::{self, Entry, Payload};
use super::keys::DeviceKey;
use super::receipt::{self, receipt_name};
use super::transport::{FailureKind, Transport, TransportError};
use super::{get_setting, schedule, setting, CentreProfile, FORMAT};
use crate::error::{Error, Result};
use crate::store::audit::sha256_hex;
use crate::store::{now, Action, Store};

/// At most this many entries in one bundle.
pub const BUNDLE_ENTRIES: usize = 500;

/// A bundle that failed on its own this many times is set aside (quarantined) on the device.
pub const MAX_FILE_ATTEMPTS: i64 = 3;

/// A bundle set aside, with the reason.
#[derive(Debug, Clone, Serialize)]
pub struct SetAside {
    pub bundle: String,
    pub reason: String,
}

/// What one delivery pass did. Names of bundles, counts and messages only.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DeliveryReport {
    pub bundles_made: usize,
    pub bundles_sent: Vec<String>,
    pub entries_sent: i64,
    /// Entries still waiting after the pass (in no bundle, or in a bundle not yet sent).
    pub waiting: i64,
    /// Bundles the centre confirmed, by a signed receipt, in this pass.
    pub received: Vec<String>,
    /// Bundles the centre found damaged: sent again in this pass.
    pub resent: Vec<String>,
    /// Bundles set aside on this device in this pass.
    pub quarantined: Vec<SetAside>,
    /// Why the pass stopped early (destination away, credentials), if it did.
    pub stopped: Option<String>,
    pub warnings: Vec<String>,
}

fn not_enrolled() -> Error {
    Error::Delivery(
        "この端末はまだセンターに登録されていません。センターから受け取ったプロファイルで `chisanpo enrol --profile ファイル` を実行してください。".into(),
    )
}

/// Read one outbox entry's content. `None` if it is gone (destroyed before it was delivered).
fn entry_of(c: &Connection, entry_type: &str, record_id: &str, version: u32, ref_id: Option<&str>, kind: &str) -> Result<Option<Entry>> {
    use rusqlite::OptionalExtension;
    if entry_type == "version" {
        return Ok(c
            .query_row(
                "SELECT content, content_hash, reason, author_id, author_name, created_at FROM record_versions WHERE record_id = ?1 AND version = ?2",
                params![record_id, version],
                |r| {
                    Ok(Entry {
                        entry_type: entry_type.into(),
                        record_id: record_id.into(),
                        version,
                        kind: kind.into(),
                        content: r.get(0)?,
                        content_hash: r.get(1)?,
                        reason: r.get(2)?,
                        author_id: r.get(3)?,
                        author_name: r.get(4)?,
                        created_at: r.get(5)?,
                    })
                },
            )
            .optional()?);
    }
    let row = c
        .query_row(
            "SELECT d.id, d.record_id, d.kind, d.fiscal_year, d.ledger_number, d.performed_on, d.retain_until, d.destroyed_at, d.destroyed_by, \
             coalesce(s.name, ''), d.reason FROM destructions d LEFT JOIN staff s ON s.id = d.destroyed_by WHERE d.id = ?1",
            [ref_id.unwrap_or_default()],
            |r| {
                let detail = serde_json::json!({
                    "id": r.get::<_, String>(0)?, "record_id": r.get::<_, String>(1)?, "kind": r.get::<_, String>(2)?,
                    "fiscal_year": r.get::<_, Option<i64>>(3)?, "ledger_number": r.get::<_, Option<i64>>(4)?,
                    "performed_on": r.get::<_, Option<String>>(5)?, "retain_until": r.get::<_, Option<String>>(6)?,
                    "destroyed_at": r.get::<_, String>(7)?, "reason": r.get::<_, String>(10)?,
                });
                Ok((detail.to_string(), r.get::<_, String>(8)?, r.get::<_, String>(9)?, r.get::<_, String>(7)?))
            },
        )
        .optional()?;
    Ok(row.map(|(content, author_id, author_name, created_at)| Entry {
        entry_type: entry_type.into(),
        record_id: record_id.into(),
        version: 0,
        kind: kind.into(),
        content_hash: sha256_hex(content.as_bytes()),
        content,
        reason: None,
        author_id,
        author_name,
        created_at,
    }))
}

impl Store {
    /// Put everything waiting into new bundles (each its own transaction). Returns how many.
    pub fn make_bundles(&self) -> Result<usize> {
        let mut made = 0;
        loop {
            let more = self.write(|tx| {
                let device_id = get_setting(tx, setting::DEVICE_ID)?.ok_or_else(not_enrolled)?;
                let key = DeviceKey::load(tx)?.ok_or_else(not_enrolled)?;
                let profile = get_setting(tx, setting::CENTRE_PROFILE)?.ok_or_else(not_enrolled)?;
                let profile = CentreProfile::parse(&profile)?;
                let waiting: Vec<(i64, String, String, u32, Option<String>, String)> = tx
                    .prepare("SELECT seq, entry_type, record_id, version, ref_id, kind FROM outbox WHERE state = 'waiting' ORDER BY seq LIMIT ?1")?
                    .query_map([BUNDLE_ENTRIES as i64], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))?
                    .collect::<rusqlite::Result<_>>()?;
                if waiting.is_empty() {
                    return Ok(false);
                }
                let seq: i64 = tx.query_row("SELECT coalesce(max(seq), 0) + 1 FROM outbox_bundles", [], |r| r.get(0))?;
                let mut entries = Vec::new();
                let mut taken = Vec::new();
                // Bundles stay under the size every reader accepts: what does not fit waits for
                // the next bundle.
                let mut weight = 0;
                for (oseq, entry_type, record_id, version, ref_id, kind) in &waiting {
                    match entry_of(tx, entry_type, record_id, *version, ref_id.as_deref(), kind)? {
                        Some(e) => {
                            let w = bundle::weight(&e);
                            if !entries.is_empty() && weight + w > bundle::MAX_ENTRIES_WEIGHT {
                                break;
                            }
                            weight += w;
                            entries.push(e);
                            taken.push(*oseq);
                        }
                        None => {
                            tx.execute(
                                "UPDATE outbox SET state = 'quarantined', reason = '送る前に廃棄されたため、内容がありません（廃棄記録は別に送ります）' WHERE seq = ?1",
                                [oseq],
                            )?;
                        }
                    }
                }
                if entries.is_empty() {
                    return Ok(true);
                }
                // The chain's head travels with the bundle, signed with it (ADR 0020).
                let anchor = crate::store::anchor::head(tx)?;
                let payload =
                    Payload { format: FORMAT, centre_id: profile.centre_id.clone(), device_id: device_id.clone(), seq: seq as u64, created_at: now(), entries, anchor };
                let bytes = bundle::seal(&payload, &key, &profile.recipient)?;
                let sha = sha256_hex(&bytes);
                let name = bundle::file_name(&device_id, seq as u64, &sha);
                tx.execute(
                    "INSERT INTO outbox_bundles (seq, file_name, sha256, bytes, entries, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![seq, name, sha, bytes, taken.len() as i64, payload.created_at],
                )?;
                for oseq in &taken {
                    tx.execute("UPDATE outbox SET state = 'bundled', bundle_seq = ?2 WHERE seq = ?1", params![oseq, seq])?;
                }
                Ok(true)
            })?;
            if !more {
                return Ok(made);
            }
            made += 1;
        }
    }

    /// One delivery pass; `Err` if it stopped early (the report of what it did is lost then,
    /// but nothing else: everything not sent stays queued). See `deliver_pass`.
    pub fn deliver(&self, transport: &dyn Transport) -> Result<DeliveryReport> {
        let report = self.deliver_pass(transport)?;
        match &report.stopped {
            Some(message) => Err(Error::Delivery(message.clone())),
            None => Ok(report),
        }
    }

    /// One delivery pass: make bundles, read receipts, send what is not yet sent, and record
    /// the outcome for the schedule and the home screen.
    pub fn deliver_pass(&self, transport: &dyn Transport) -> Result<DeliveryReport> {
        let mut report = DeliveryReport { bundles_made: self.make_bundles()?, ..Default::default() };
        let outcome = self.read_receipts(transport, &mut report).and_then(|()| self.send_pending(transport, &mut report));
        let at = now();
        self.write(|tx| match &outcome {
            Ok(()) => schedule::record_ok(tx, &at),
            Err(e) => schedule::record_failure(tx, &at, &e.message),
        })?;
        if let Err(e) = outcome {
            report.stopped = Some(e.message);
        }
        report.waiting = self.read(|c| {
            Ok(c.query_row(
                "SELECT count(*) FROM outbox WHERE state = 'waiting' OR (state = 'bundled' AND bundle_seq IN (SELECT seq FROM outbox_bundles WHERE quarantined_at IS NULL))",
                [],
                |r| r.get(0),
            )?)
        })?;
        Ok(report)
    }

    /// Send every bundle not yet sent and not set aside, in order. Stops (returning the error)
    /// when the destination is away; a failure of one file counts against that file only.
    fn send_pending(&self, transport: &dyn Transport, report: &mut DeliveryReport) -> std::result::Result<(), TransportError> {
        let pending: Vec<(i64, String, Vec<u8>)> = self
            .read(|c| {
                Ok(c.prepare("SELECT seq, file_name, bytes FROM outbox_bundles WHERE sent_at IS NULL AND quarantined_at IS NULL ORDER BY seq")?
                    .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                    .collect::<rusqlite::Result<_>>()?)
            })
            .map_err(local)?;
        for (seq, name, bytes) in pending {
            // The bundle first, its hash last: a file without its hash is not yet complete.
            let sent =
                transport.put(&name, &bytes).and_then(|()| transport.put(&bundle::hash_file_name(&name), format!("{}\n", sha256_hex(&bytes)).as_bytes()));
            match sent {
                Ok(()) => {
                    let n = self
                        .write(|tx| {
                            let at = now();
                            tx.execute(
                                "UPDATE outbox_bundles SET sent_at = ?2, sent_to = ?3, last_error = NULL, \
                                 attempts = CASE WHEN acted_receipt IS NULL THEN 0 ELSE attempts END WHERE seq = ?1",
                                params![seq, at, transport.describe()],
                            )?;
                            let n =
                                tx.execute("UPDATE outbox SET state = 'sent', sent_at = ?2 WHERE bundle_seq = ?1 AND state = 'bundled'", params![seq, at])?;
                            self.audit(tx, Action::Export, &name, serde_json::json!({ "delivery": "bundle_sent", "entries": n, "to": transport.describe() }))?;
                            Ok(n as i64)
                        })
                        .map_err(local)?;
                    report.entries_sent += n;
                    report.bundles_sent.push(name);
                }
                Err(e) if e.kind == FailureKind::ThisFile => {
                    if let Some(reason) = self.count_failure(seq, &name, &e.message).map_err(local)? {
                        report.quarantined.push(SetAside { bundle: name, reason });
                    }
                }
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Count a failure of one bundle; set it aside after `MAX_FILE_ATTEMPTS`. Returns the
    /// reason when it was set aside now.
    fn count_failure(&self, seq: i64, name: &str, message: &str) -> Result<Option<String>> {
        self.write(|tx| {
            let attempts: i64 = tx.query_row(
                "UPDATE outbox_bundles SET attempts = attempts + 1, last_error = ?2 WHERE seq = ?1 RETURNING attempts",
                params![seq, message],
                |r| r.get(0),
            )?;
            if attempts < MAX_FILE_ATTEMPTS {
                return Ok(None);
            }
            let reason = format!("{attempts}回続けて送れなかったため保留にしました: {message}");
            tx.execute("UPDATE outbox_bundles SET quarantined_at = ?2 WHERE seq = ?1", params![seq, now()])?;
            tx.execute("UPDATE outbox SET state = 'quarantined', reason = ?2 WHERE bundle_seq = ?1 AND state IN ('bundled', 'sent')", params![seq, reason])?;
            self.audit(tx, Action::Edit, name, serde_json::json!({ "delivery": "bundle_quarantined", "attempts": attempts }))?;
            Ok(Some(reason))
        })
    }

    /// The bytes of a bundle this device made (encrypted to the centre), by file name: to hand
    /// it over by other means when every transport fails.
    pub fn read_bundle_bytes(&self, file_name: &str) -> Result<Option<Vec<u8>>> {
        use rusqlite::OptionalExtension;
        self.read(|c| Ok(c.query_row("SELECT bytes FROM outbox_bundles WHERE file_name = ?1", [file_name], |r| r.get(0)).optional()?))
    }

    /// Put every bundle set aside on this device back in the queue (after the cause was fixed).
    /// Returns how many.
    pub fn release_held_bundles(&self) -> Result<usize> {
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE outbox_bundles SET quarantined_at = NULL, attempts = 0, last_error = NULL, sent_at = NULL WHERE quarantined_at IS NOT NULL",
                [],
            )?;
            tx.execute("UPDATE outbox SET state = 'bundled', reason = NULL, sent_at = NULL WHERE state = 'quarantined' AND bundle_seq IS NOT NULL", [])?;
            schedule::reset(tx)?;
            if n > 0 {
                self.audit(tx, Action::Edit, "outbox", serde_json::json!({ "delivery": "release_held", "bundles": n }))?;
            }
            Ok(n)
        })
    }

    /// Read the centre's receipt of every bundle sent and not yet confirmed.
    fn read_receipts(&self, transport: &dyn Transport, report: &mut DeliveryReport) -> std::result::Result<(), TransportError> {
        let (profile, device_id) = self.read(|c| Ok((get_setting(c, setting::CENTRE_PROFILE)?, get_setting(c, setting::DEVICE_ID)?))).map_err(local)?;
        let (Some(profile), Some(device_id)) = (profile, device_id) else { return Ok(()) };
        let Some((centre_key, rooted)) = CentreProfile::parse(&profile).ok().and_then(|p| Some((p.receipt_key?, p.root_key.is_some()))) else { return Ok(()) };
        let unconfirmed: Vec<(i64, String, String, Option<String>)> = self
            .read(|c| {
                Ok(c.prepare(
                    "SELECT seq, file_name, sha256, acted_receipt FROM outbox_bundles WHERE sent_at IS NOT NULL AND received_at IS NULL AND quarantined_at IS NULL ORDER BY seq",
                )?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                .collect::<rusqlite::Result<_>>()?)
            })
            .map_err(local)?;
        for (seq, name, sha, acted) in unconfirmed {
            let bytes = match transport.get(&receipt_name(&name)) {
                Ok(Some(b)) => b,
                Ok(None) => continue,
                // One receipt that cannot be read does not stop the others, nor the sending.
                Err(e) if e.kind == FailureKind::ThisFile => {
                    report.warnings.push(format!("{name} の受領通知を読めませんでした（次の配送で読み直します）: {}", e.message));
                    continue;
                }
                Err(e) => return Err(e),
            };
            let Some(r) = receipt::open(&bytes, &centre_key, rooted).filter(|r| r.device_id == device_id && r.bundle == name) else {
                report.warnings.push(format!("{name} の受領通知の署名を確かめられません。センターのプロファイルを確かめてください（この通知は使いません）。"));
                continue;
            };
            if r.sha256 == sha && r.outcome == "applied" {
                // What the centre holds of this store's chain, kept outside the database.
                if let Some(head) = &r.anchor {
                    self.note_centre_anchor(head, &r.at).map_err(local)?;
                }
                // The centre has it: the encrypted copy kept for retries is no longer needed.
                self.write(|tx| {
                    tx.execute("UPDATE outbox_bundles SET received_at = ?2, centre_reason = NULL, bytes = NULL WHERE seq = ?1", params![seq, r.at])?;
                    self.audit(tx, Action::Edit, &name, serde_json::json!({ "delivery": "receipt", "outcome": "applied" })).map(|_| ())
                })
                .map_err(local)?;
                report.received.push(name);
            } else if receipt::resend_on(r.code.as_deref(), r.sha256 == sha) && acted.as_deref() != Some(&format!("{}|{}", r.sha256, r.at)) {
                // The centre read a damaged or altered copy: send the same bytes again, once per
                // such receipt (remembered by its hash and time, so neither clock matters).
                let reason = receipt::device_advice(r.code.as_deref(), r.reason.as_deref(), true);
                let mark = format!("{}|{}", r.sha256, r.at);
                self.write(|tx| {
                    tx.execute("UPDATE outbox_bundles SET sent_at = NULL, centre_reason = ?2, acted_receipt = ?3 WHERE seq = ?1", params![seq, reason, mark])?;
                    tx.execute("UPDATE outbox SET state = 'bundled', sent_at = NULL WHERE bundle_seq = ?1 AND state = 'sent'", [seq])?;
                    Ok(())
                })
                .map_err(local)?;
                if let Some(reason) = self.count_failure(seq, &name, &reason).map_err(local)? {
                    report.quarantined.push(SetAside { bundle: name.clone(), reason });
                } else {
                    report.resent.push(name);
                }
            } else if r.sha256 == sha {
                // Set aside at the centre for a reason only the centre can fix (an unknown
                // device, …): show it; the centre looks again at its next import.
                // (A copy resent already, whose old receipt is still there, is still on its way.)
                let advice = receipt::device_advice(r.code.as_deref(), r.reason.as_deref(), receipt::resend_on(r.code.as_deref(), true));
                self.write(|tx| Ok(tx.execute("UPDATE outbox_bundles SET centre_reason = ?2 WHERE seq = ?1", params![seq, advice])?)).map_err(local)?;
            }
        }
        Ok(())
    }
}

/// A failure of this device's own store during a pass: not the destination's fault, but the
/// pass stops the same way (and the message says so).
fn local(e: Error) -> TransportError {
    TransportError::new(FailureKind::Setup, format!("端末の保存領域で問題が起きたため配送を中断しました: {e}"))
}
