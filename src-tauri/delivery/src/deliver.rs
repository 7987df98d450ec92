//! One delivery pass: make bundles of what is waiting, read the centre's receipts for bundles
//! sent earlier, then send every bundle not yet sent. A bundle is made once (its sequence number
//! and bytes are stored), so a retry sends the very same file, never a duplicate.
//!
//! Failures are sorted by the transport: when the destination is away (offline, folder gone)
//! the pass stops and everything waits for the next one; when one file fails on its own, the
//! others go on, and after `MAX_FILE_ATTEMPTS` such failures that bundle is set aside on the
//! device (quarantined) with its reason, so it never blocks the queue.

use rusqlite::Connection;
use serde::Serialize;

use super::bundle::{self, Entry, Payload};
use super::keys::DeviceKey;
use super::receipt::{self, receipt_name};
use super::transport::{FailureKind, Transport, TransportError};
use super::{get_setting, schedule, setting, CentreProfile, FORMAT};
use crate::error::{DeliveryCode, Error, Result};
use crate::store::audit::sha256_hex;
use crate::store::outbox_queue as queue;
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
    /// How it stopped (for `deliver`'s error code); not shown.
    #[serde(skip)]
    pub stopped_by: Option<FailureKind>,
    pub warnings: Vec<String>,
}

fn not_enrolled() -> Error {
    Error::delivery(
        DeliveryCode::NotEnrolled,
        "この端末はまだセンターに登録されていません。センターから受け取ったプロファイルで `chisanpo enrol --profile ファイル` を実行してください。",
    )
}

/// Read one outbox entry's content. `None` if it is gone (destroyed before it was delivered).
fn entry_of(c: &Connection, w: &queue::Waiting) -> Result<Option<Entry>> {
    if w.entry_type == "version" {
        return Ok(queue::version_of(c, &w.record_id, w.version)?.map(|v| Entry {
            entry_type: w.entry_type.clone(),
            record_id: w.record_id.clone(),
            version: w.version,
            kind: w.kind.clone(),
            content: v.content,
            content_hash: v.content_hash,
            reason: v.reason,
            author_id: v.author_id,
            author_name: v.author_name,
            created_at: v.created_at,
        }));
    }
    Ok(queue::destruction_of(c, w.ref_id.as_deref().unwrap_or_default())?.map(|d| Entry {
        entry_type: w.entry_type.clone(),
        record_id: w.record_id.clone(),
        version: 0,
        kind: w.kind.clone(),
        content_hash: sha256_hex(d.detail.as_bytes()),
        content: d.detail,
        reason: None,
        author_id: d.author_id,
        author_name: d.author_name,
        created_at: d.destroyed_at,
    }))
}

/// Delivery passes: bundles made, sent, and confirmed by the centre's receipts.
pub trait Delivering {
    /// Put everything waiting into new bundles (each its own transaction). Returns how many.
    fn make_bundles(&self) -> Result<usize>;

    /// One delivery pass; `Err` if it stopped early (the report of what it did is lost then,
    /// but nothing else: everything not sent stays queued). See `deliver_pass`.
    fn deliver(&self, transport: &dyn Transport) -> Result<DeliveryReport>;

    /// One delivery pass: make bundles, read receipts, send what is not yet sent, and record
    /// the outcome for the schedule and the home screen.
    fn deliver_pass(&self, transport: &dyn Transport) -> Result<DeliveryReport>;

    /// The bytes of a bundle this device made (encrypted to the centre), by file name: to hand
    /// it over by other means when every transport fails.
    fn read_bundle_bytes(&self, file_name: &str) -> Result<Option<Vec<u8>>>;

    /// Put every bundle set aside on this device back in the queue (after the cause was fixed).
    /// Returns how many.
    fn release_held_bundles(&self) -> Result<usize>;
}

impl Delivering for Store {
    fn make_bundles(&self) -> Result<usize> {
        let mut made = 0;
        loop {
            let more = self.write(|tx| {
                let device_id = get_setting(tx, setting::DEVICE_ID)?.ok_or_else(not_enrolled)?;
                let key = DeviceKey::load(tx)?.ok_or_else(not_enrolled)?;
                let profile = get_setting(tx, setting::CENTRE_PROFILE)?.ok_or_else(not_enrolled)?;
                let profile = CentreProfile::parse(&profile)?;
                let waiting = queue::waiting(tx, BUNDLE_ENTRIES)?;
                if waiting.is_empty() {
                    return Ok(false);
                }
                let seq = queue::next_bundle_seq(tx)?;
                let mut entries = Vec::new();
                let mut taken = Vec::new();
                // Bundles stay under the size every reader accepts: what does not fit waits for
                // the next bundle.
                let mut weight = 0;
                for entry in &waiting {
                    match entry_of(tx, entry)? {
                        Some(e) => {
                            let w = bundle::weight(&e);
                            if !entries.is_empty() && weight + w > bundle::MAX_ENTRIES_WEIGHT {
                                break;
                            }
                            weight += w;
                            entries.push(e);
                            taken.push(entry.seq);
                        }
                        None => queue::set_aside_destroyed(tx, entry.seq)?,
                    }
                }
                if entries.is_empty() {
                    return Ok(true);
                }
                // The chain's head travels with the bundle, signed with it (ADR 0020).
                let anchor = crate::store::anchor::head(tx)?;
                let payload = Payload {
                    format: FORMAT,
                    centre_id: profile.centre_id.clone(),
                    device_id: device_id.clone(),
                    seq: seq as u64,
                    created_at: now(),
                    entries,
                    anchor,
                };
                let bytes = bundle::seal(&payload, &key, &profile.recipient)?;
                let sha = sha256_hex(&bytes);
                let name = bundle::file_name(&device_id, seq as u64, &sha);
                queue::add_bundle(tx, seq, &name, &sha, &bytes, &taken, &payload.created_at)?;
                Ok(true)
            })?;
            if !more {
                return Ok(made);
            }
            made += 1;
        }
    }

    fn deliver(&self, transport: &dyn Transport) -> Result<DeliveryReport> {
        let report = self.deliver_pass(transport)?;
        match &report.stopped {
            Some(message) => Err(TransportError::new(report.stopped_by.unwrap_or(FailureKind::Unreachable), message.clone()).into()),
            None => Ok(report),
        }
    }

    fn deliver_pass(&self, transport: &dyn Transport) -> Result<DeliveryReport> {
        let mut report = DeliveryReport { bundles_made: self.make_bundles()?, ..Default::default() };
        let outcome = self.read_receipts(transport, &mut report).and_then(|()| self.send_pending(transport, &mut report));
        let at = now();
        self.write(|tx| match &outcome {
            Ok(()) => schedule::record_ok(tx, &at),
            Err(e) => schedule::record_failure(tx, &at, &e.message),
        })?;
        if let Err(e) = outcome {
            report.stopped_by = Some(e.kind);
            report.stopped = Some(e.message);
        }
        report.waiting = self.read(queue::still_waiting)?;
        Ok(report)
    }

    fn read_bundle_bytes(&self, file_name: &str) -> Result<Option<Vec<u8>>> {
        self.read(|c| queue::bundle_bytes(c, file_name))
    }

    fn release_held_bundles(&self) -> Result<usize> {
        self.write(|tx| {
            let n = queue::release_held(tx)?;
            schedule::reset(tx)?;
            if n > 0 {
                self.audit(tx, Action::Edit, "outbox", serde_json::json!({ "delivery": "release_held", "bundles": n }))?;
            }
            Ok(n)
        })
    }
}

/// The steps of [`Delivering`], private to this module.
trait DeliveringSteps {
    /// Send every bundle not yet sent and not set aside, in order. Stops (returning the error)
    /// when the destination is away; a failure of one file counts against that file only.
    fn send_pending(&self, transport: &dyn Transport, report: &mut DeliveryReport) -> std::result::Result<(), TransportError>;

    /// Count a failure of one bundle; set it aside after `MAX_FILE_ATTEMPTS`. Returns the
    /// reason when it was set aside now.
    fn count_failure(&self, seq: i64, name: &str, message: &str) -> Result<Option<String>>;

    /// Read the centre's receipt of every bundle sent and not yet confirmed.
    fn read_receipts(&self, transport: &dyn Transport, report: &mut DeliveryReport) -> std::result::Result<(), TransportError>;
}

impl DeliveringSteps for Store {
    fn send_pending(&self, transport: &dyn Transport, report: &mut DeliveryReport) -> std::result::Result<(), TransportError> {
        let pending = self.read(queue::unsent).map_err(local)?;
        for (seq, name, bytes) in pending {
            // The bundle first, its hash last: a file without its hash is not yet complete.
            let sent =
                transport.put(&name, &bytes).and_then(|()| transport.put(&bundle::hash_file_name(&name), format!("{}\n", sha256_hex(&bytes)).as_bytes()));
            match sent {
                Ok(()) => {
                    let n = self
                        .write(|tx| {
                            let at = now();
                            let n = queue::mark_sent(tx, seq, &at, &transport.describe())?;
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

    fn count_failure(&self, seq: i64, name: &str, message: &str) -> Result<Option<String>> {
        self.write(|tx| {
            let attempts = queue::count_failure(tx, seq, message)?;
            if attempts < MAX_FILE_ATTEMPTS {
                return Ok(None);
            }
            let reason = format!("{attempts}回続けて送れなかったため保留にしました: {message}");
            queue::quarantine(tx, seq, &now(), &reason)?;
            self.audit(tx, Action::Edit, name, serde_json::json!({ "delivery": "bundle_quarantined", "attempts": attempts }))?;
            Ok(Some(reason))
        })
    }

    fn read_receipts(&self, transport: &dyn Transport, report: &mut DeliveryReport) -> std::result::Result<(), TransportError> {
        let (profile, device_id) = self.read(|c| Ok((get_setting(c, setting::CENTRE_PROFILE)?, get_setting(c, setting::DEVICE_ID)?))).map_err(local)?;
        let (Some(profile), Some(device_id)) = (profile, device_id) else { return Ok(()) };
        let Some((centre_key, rooted)) = CentreProfile::parse(&profile).ok().and_then(|p| Some((p.receipt_key?, p.root_key.is_some()))) else { return Ok(()) };
        let unconfirmed = self.read(queue::unconfirmed).map_err(local)?;
        for queue::Unconfirmed { seq, file_name: name, sha256: sha, acted_receipt: acted } in unconfirmed {
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
                    queue::mark_received(tx, seq, &r.at)?;
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
                    queue::send_again(tx, seq, &reason, &mark)?;
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
                self.write(|tx| queue::set_centre_reason(tx, seq, &advice)).map_err(local)?;
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
