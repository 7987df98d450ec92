//! The centre's import: every bundle in a folder is checked (its hash, decryption with the
//! centre key, the enrolled device's signature, the centre it is for, each content hash) and
//! applied in one transaction, or quarantined with its reason while the others go on.
//! Applying is idempotent: a (record, version, content hash) already there is a no-op, so
//! bundles may come in any order or twice. Two different contents for the same record and
//! version are both kept and the record is flagged 要確認.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use super::receipt::{self, Receipt};
use super::transport::{FolderTransport, Transport};
use super::FORMAT;

use serde::Serialize;

use super::anchors;
use super::bundle::{self, Refusal, BUNDLE_EXTENSION};
use super::consolidation::sqlite::SqliteConsolidation;
use super::consolidation::{Checked, Consolidation, KeptPayload};
use super::enrol::require_centre;
use super::keys;
use crate::domain::RecordStatus;
use crate::enrol::Enrolment;
use crate::error::Result;
use crate::store::audit::sha256_hex;
use crate::store::{now, ListFilter, Store};

/// A device clock this far ahead of the centre's is reported as wrong.
const CLOCK_SLACK_HOURS: i64 = 24;

#[derive(Debug, Clone, Serialize)]
pub struct Quarantined {
    pub file: String,
    pub reason: String,
}

/// What one import did. Ids, counts and reasons only.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    pub bundles_applied: Vec<String>,
    /// Bundles applied by an earlier import (the same file again).
    pub bundles_already_applied: usize,
    pub quarantined: Vec<Quarantined>,
    /// Bundles whose hash file has not arrived yet: tried again next time.
    pub incomplete: Vec<String>,
    pub versions_added: usize,
    pub versions_already_present: usize,
    pub destructions_added: usize,
    /// Records with two different versions of the same number (要確認).
    pub needs_review: Vec<String>,
    /// Devices whose audit chain went back between two bundles (ADR 0020).
    pub devices_flagged: Vec<String>,
    /// Receipts written back for the devices (applied and quarantined bundles).
    pub receipts_written: usize,
    pub warnings: Vec<String>,
}

/// One consolidated record, as the centre's `list --json` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ConsolidatedRecord {
    pub id: String,
    pub kind: String,
    pub status: String,
    /// The highest version received.
    pub version: u32,
    pub versions: Vec<u32>,
    pub performed_on: Option<String>,
    pub fiscal_year: Option<i32>,
    /// The device the highest version came from (the first one, when two conflict).
    pub source_device: String,
    pub source_devices: Vec<String>,
    pub needs_review: bool,
    /// 要確認 when two devices sent different versions of the same number.
    pub review: Option<String>,
    /// A device reported it destroyed (廃棄記録); the centre keeps its own copy.
    pub destroyed_on_device: bool,
    pub consolidated: bool,
}

/// A bundle read, hashed, decrypted and parsed ahead of its turn: on a thread of its own, while
/// the bundle before it is applied (the server's work and the client's overlap).
enum Ahead {
    /// Applied before and receipted, by its name: not read again.
    Skipped,
    /// The file or its hash file could not be read (a warning; read again next time).
    Unreadable(String),
    /// Its hash file has not arrived yet.
    Incomplete,
    /// Read whole: its hash, and what decrypting and parsing gave (nothing of it trusted before
    /// the signature is checked); `None` when the hash is not the one its hash file gives.
    Read { sha: String, opened: Option<std::result::Result<Box<Opened>, Refusal>> },
}

/// A decrypted envelope and the parse of its payload (an error kept for after the signature check).
struct Opened {
    env: bundle::Envelope,
    parsed: std::result::Result<bundle::Payload, Refusal>,
}

/// Read, hash, decrypt (with the current or a retired centre key) and parse one bundle. Touches
/// neither the store nor the database.
fn read_ahead(source: &dyn Transport, identities: &[keys::CentreIdentity], file: &str, skip: bool) -> Result<Ahead> {
    if skip {
        return Ok(Ahead::Skipped);
    }
    let (expected, bytes) = match (read_one(source, &bundle::hash_file_name(file))?, read_one(source, file)?) {
        (Ok(Some(e)), Ok(Some(b))) => (e, b),
        (Err(m), _) | (_, Err(m)) => return Ok(Ahead::Unreadable(m)),
        _ => return Ok(Ahead::Incomplete),
    };
    let expected = String::from_utf8_lossy(&expected).trim().to_string();
    let sha = sha256_hex(&bytes);
    if expected != sha {
        return Ok(Ahead::Read { sha, opened: None });
    }
    let mut opened = Err(Refusal::NotDecryptable);
    for identity in identities {
        opened = bundle::open(identity, &bytes);
        if !matches!(opened, Err(Refusal::NotDecryptable)) {
            break;
        }
    }
    let opened = opened.map(|env| {
        let parsed = bundle::payload_of(&env);
        Box::new(Opened { env, parsed })
    });
    Ok(Ahead::Read { sha, opened: Some(opened) })
}

/// Check an opened bundle: the enrolled device's signature, the centre, and (from the parse)
/// every content hash.
fn check(
    target: &mut dyn Consolidation,
    centre_id: &str,
    opened: std::result::Result<Box<Opened>, Refusal>,
) -> Result<std::result::Result<Checked, (Option<String>, Refusal)>> {
    let Opened { env, parsed } = match opened {
        Ok(o) => *o,
        Err(r) => return Ok(Err((None, r))),
    };
    let device = Some(env.device_id.clone());
    let Some(key) = target.device_key(&env.device_id)? else { return Ok(Err((device, Refusal::UnknownDevice(env.device_id.clone())))) };
    if !keys::verify(&key, env.payload.as_bytes(), &env.signature) {
        return Ok(Err((device, Refusal::BadSignature)));
    }
    let payload = match parsed {
        Ok(p) => p,
        Err(r) => return Ok(Err((device, r))),
    };
    if payload.centre_id != centre_id {
        return Ok(Err((device, Refusal::OtherCentre)));
    }
    Ok(Ok(Checked { payload, text: env.payload, signature: env.signature }))
}

/// What an import decided for a bundle it read: the receipt it signs.
struct Decided {
    file: String,
    outcome: &'static str,
    code: Option<String>,
    reason: Option<String>,
}

impl Decided {
    fn applied(file: &str) -> Self {
        Decided { file: file.to_string(), outcome: "applied", code: None, reason: None }
    }
}

/// A device clock more than a day ahead of the centre's: warn (the record is kept, with both times).
fn clock_warning(payload: &bundle::Payload) -> Option<String> {
    let limit = chrono::Utc::now() + chrono::Duration::hours(CLOCK_SLACK_HOURS);
    let wrong = payload.entries.iter().any(|e| chrono::DateTime::parse_from_rfc3339(&e.created_at).map(|t| t > limit).unwrap_or(true));
    wrong.then(|| {
        format!(
            "端末 {} の日時が未来になっています（時計が狂っている可能性があります）。端末の時計を確かめてください。記録は取り込み日時とともに保存しました。",
            payload.device_id
        )
    })
}

/// The centre's import of bundles, and its consolidated records.
pub trait CentreImport {
    /// `centre import --from DIR`.
    fn centre_import(&self, dir: &Path) -> Result<ImportReport>;

    /// `centre import --from DIR|URL` into this store.
    fn centre_import_from(&self, source: &dyn Transport) -> Result<ImportReport>;

    /// Check and apply every bundle the source holds into `target` (this store, or a shared
    /// PostgreSQL database), then write the receipts back through the same source. The centre's
    /// keys always come from this store.
    fn centre_import_into(&self, source: &dyn Transport, target: &mut dyn Consolidation) -> Result<ImportReport>;

    /// The consolidated records in this store, newest first.
    fn consolidated_records(&self) -> Result<Vec<ConsolidatedRecord>>;

    /// The consolidated records a list with `filter` shows beside this store's own
    /// (`list_records`): none on a device or when only drafts are asked for; else those of the
    /// filter's kind and fiscal year, newest first.
    fn consolidated_listed(&self, filter: &ListFilter) -> Result<Vec<ConsolidatedRecord>>;
}

/// What the bar says while the bundles are applied.
pub const IMPORTING: &str = "端末から届いた記録を取り込んでいます";

impl CentreImport for Store {
    fn centre_import(&self, dir: &Path) -> Result<ImportReport> {
        self.centre_import_from(&FolderTransport::new(dir))
    }

    fn centre_import_from(&self, source: &dyn Transport) -> Result<ImportReport> {
        self.centre_import_into(source, &mut SqliteConsolidation(self))
    }

    fn centre_import_into(&self, source: &dyn Transport, target: &mut dyn Consolidation) -> Result<ImportReport> {
        let (centre_id, _) = self.read(require_centre)?;
        let identities = self.read(super::rotate::all_identities)?;
        let from = source.describe();
        let mut report = ImportReport::default();
        // A bundle applied from another source (sent twice, two ways) needs its receipt here too.
        let receipts: BTreeSet<String> = source.list(receipt::RECEIPT_EXTENSION)?.into_iter().collect();
        let mut receipt_here = Vec::new();
        // What this pass decided for each bundle it read, by hash: the only receipts it signs
        // (never a row of the database alone, which a database role can write).
        let mut decided: HashMap<String, Decided> = HashMap::new();
        let applied = target.applied_files()?;
        let files = source.list(BUNDLE_EXTENSION)?;
        let total = files.len() as u64;
        let mut done = 0u64;
        // The next bundle is read, hashed, decrypted and parsed on another thread while this one
        // is written. A channel of one: at most three bundles are held at once (this one, one waiting,
        // one being read), and a bundle is up to 15 MB.
        std::thread::scope(|scope| -> Result<()> {
            let (ahead_tx, ahead_rx) = std::sync::mpsc::sync_channel::<(String, bool, Result<Ahead>)>(1);
            let (receipts, applied, identities) = (&receipts, &applied, &identities);
            scope.spawn(move || {
                for file in files {
                    // A file whose name carries its hash and that was applied before is not read
                    // again: the centre imports every few minutes, and the folder keeps years of
                    // bundles. One without its receipt yet is read and compared before a receipt
                    // says 届いた.
                    let prefix = bundle::parse_name(&file).and_then(|p| p.hash_prefix);
                    let receipted = receipts.contains(&receipt::receipt_name(&file));
                    let skip = receipted && prefix.is_some_and(|prefix| applied.get(&file).is_some_and(|sha| sha.starts_with(prefix)));
                    let ahead = read_ahead(source, identities, &file, skip);
                    let failed = ahead.is_err();
                    // The import stopped (an error): read no further.
                    if ahead_tx.send((file, receipted, ahead)).is_err() || failed {
                        break;
                    }
                }
            });
            for (file, receipted, ahead) in ahead_rx {
                // Between bundles, each applied in a transaction of its own: 中止 leaves the rest
                // for the next import (their receipts too), nothing half applied.
                crate::progress::step(IMPORTING, done, total);
                crate::progress::checkpoint()?;
                done += 1;
                // A bundle without its hash file is still arriving: looked at again next time. One
                // file that cannot be read does not stop the others.
                let (sha, opened) = match ahead? {
                    Ahead::Skipped => {
                        report.bundles_already_applied += 1;
                        continue;
                    }
                    Ahead::Unreadable(m) => {
                        report.warnings.push(format!("{file} を読めませんでした（次の取り込みで読み直します）: {m}"));
                        continue;
                    }
                    Ahead::Incomplete => {
                        report.incomplete.push(file);
                        continue;
                    }
                    Ahead::Read { sha, opened } => (sha, opened),
                };
                // Applied before: skipped. Quarantined before: checked again (its device may have
                // been enrolled since), recorded again only if it now applies.
                let seen = target.seen(&sha)?;
                if seen.as_deref() == Some("applied") && receipted {
                    report.bundles_already_applied += 1;
                    continue;
                }
                let checked = match opened {
                    Some(opened) => check(target, &centre_id, opened)?,
                    None => Err((device_of_name(&file), Refusal::Damaged)),
                };
                // What the database keeps under this hash must be this file's own signed content:
                // a role that wrote a junk payload and an "applied" row under the hash of a bundle
                // still to come would otherwise have it skipped, and its device told 届いた.
                let kept = match &checked {
                    Ok(_) => Some(target.kept_payload(&sha)?),
                    Err(_) => None,
                };
                let agrees = match (&checked, &kept) {
                    (Ok(c), Some(k)) => k.matches(c),
                    _ => seen.as_deref() != Some("applied"),
                };
                if !agrees {
                    report.warnings.push(format!(
                    "{file}: {}には取り込み済みの別の内容が、このファイルのものとして記録されています（データベースで書き加えられています）。このファイルは取り込まず、受領書も書きません（端末は送り直しを続けます）。`chisanpo centre verify` で確かめ、データベース管理者に連絡してください。",
                    target.describe()
                ));
                    continue;
                }
                // Applied before, or applied and since destroyed with a record (its sealed tombstone
                // agrees with this file): never applied again, answered as applied.
                if seen.as_deref() == Some("applied") || matches!(kept, Some(KeptPayload::Removed { .. })) {
                    report.bundles_already_applied += 1;
                    decided.insert(sha.clone(), Decided::applied(&file));
                    receipt_here.push(sha);
                    continue;
                }
                let at = now();
                match checked {
                    Ok(checked) => {
                        // The rules of today are checked on the other core while the bundle is written.
                        let (a, rules) = std::thread::scope(|s| {
                            let rules = s.spawn(|| rule_warnings(&checked.payload));
                            let a = target.apply(&checked, &file, &sha, &from, &at);
                            (a, rules.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                        });
                        let a = a?;
                        decided.insert(sha.clone(), Decided::applied(&file));
                        let payload = checked.payload;
                        report.bundles_applied.push(file);
                        report.versions_added += a.added;
                        report.versions_already_present += a.present;
                        report.destructions_added += a.destructions;
                        report.warnings.extend(clock_warning(&payload));
                        report.warnings.extend(rules);
                        if let Some(why) = self.judge_anchor(target, &payload, &at)? {
                            report.warnings.push(format!("端末 {}: {why}", payload.device_id));
                            report.devices_flagged.push(payload.device_id.clone());
                        }
                        let records: Vec<&str> = payload.entries.iter().map(|e| e.record_id.as_str()).collect::<BTreeSet<_>>().into_iter().collect();
                        let conflicted = target.conflicted_among(&records)?;
                        for r in records {
                            if conflicted.contains(r) && !report.needs_review.iter().any(|x| x == r) {
                                report.needs_review.push(r.to_string());
                            }
                        }
                    }
                    Err((device, refusal)) => {
                        let device = device.or_else(|| device_of_name(&file));
                        if seen.is_none() {
                            target.refuse(&file, &sha, &from, device.as_deref(), &refusal, &at)?;
                        }
                        decided.insert(
                            sha.clone(),
                            Decided { file: file.clone(), outcome: "quarantined", code: Some(refusal.code().to_string()), reason: Some(refusal.message()) },
                        );
                        report.quarantined.push(Quarantined { file, reason: refusal.message() });
                    }
                }
            }
            Ok(())
        })?;
        // Every bundle looked at: the bar reaches its end, and the receipts are written whatever
        // is pressed (each bundle is applied already).
        crate::progress::no_longer_cancellable();
        crate::progress::step(IMPORTING, done, total);
        self.write_receipts(source, target, &receipt_here, &decided, &mut report)?;
        Ok(report)
    }

    fn consolidated_records(&self) -> Result<Vec<ConsolidatedRecord>> {
        SqliteConsolidation(self).records()
    }

    fn consolidated_listed(&self, filter: &ListFilter) -> Result<Vec<ConsolidatedRecord>> {
        if !self.is_centre()? || filter.status == Some(RecordStatus::Draft) {
            return Ok(Vec::new());
        }
        let wanted =
            |r: &ConsolidatedRecord| filter.kind.is_none_or(|k| k.as_str() == r.kind) && (filter.fiscal_year.is_none() || r.fiscal_year == filter.fiscal_year);
        Ok(self.consolidated_records()?.into_iter().filter(wanted).collect())
    }
}

/// The steps of [`CentreImport`], private to this module.
trait CentreImportSteps {
    /// Compare the head an applied bundle carried with the one held for its device, and keep the
    /// newer (ADR 0020). Returns why the device is flagged when its chain went back; the flag is
    /// kept with the device and the centre's audit log records it (ids and counts only).
    fn judge_anchor(&self, target: &mut dyn Consolidation, payload: &bundle::Payload, at: &str) -> Result<Option<String>>;

    /// Write a signed receipt beside every bundle this pass read and decided on that still needs
    /// one (of this source since its last receipt, or in `also`). The receipt says what this
    /// pass decided, under the name it read: a row the database holds says neither. A receipt
    /// that cannot be written is tried again at the next import.
    fn write_receipts(
        &self,
        source: &dyn Transport,
        target: &mut dyn Consolidation,
        also: &[String],
        decided: &HashMap<String, Decided>,
        report: &mut ImportReport,
    ) -> Result<()>;
}

impl CentreImportSteps for Store {
    fn judge_anchor(&self, target: &mut dyn Consolidation, payload: &bundle::Payload, at: &str) -> Result<Option<String>> {
        let Some(head) = &payload.anchor else { return Ok(None) };
        let held = target.device_anchor(&payload.device_id)?;
        let verdict = anchors::judge(held.as_ref(), payload.seq, head);
        if !verdict.keeps_new() {
            return Ok(None);
        }
        let flag = match &verdict {
            anchors::Verdict::RolledBack(why) => Some(why.clone()),
            _ => None,
        };
        target.keep_device_anchor(&payload.device_id, &anchors::DeviceAnchor { bundle_seq: payload.seq, head: head.clone() }, flag.as_deref(), at)?;
        if flag.is_some() {
            let detail = serde_json::json!({
                "delivery": "device_chain_went_back",
                "bundle_seq": payload.seq,
                "audit_seq": head.seq,
                "held_audit_seq": held.map(|h| h.head.seq),
            });
            self.write(|tx| self.audit(tx, crate::store::Action::Edit, &payload.device_id, detail).map(|_| ()))?;
        }
        Ok(flag)
    }

    fn write_receipts(
        &self,
        source: &dyn Transport,
        target: &mut dyn Consolidation,
        also: &[String],
        decided: &HashMap<String, Decided>,
        report: &mut ImportReport,
    ) -> Result<()> {
        let (centre_id, key) = self.write(|tx| Ok((require_centre(tx)?.0, super::rotate::receipt_key(tx)?)))?;
        // Under a profile with a root, receipts are signed in their own domain (ADR 0025).
        let rooted = self.centre_profile()?.is_some_and(|p| p.root_key.is_some());
        for row in target.pending_receipts(&source.describe(), also)? {
            let Some(d) = decided.get(&row.sha256) else { continue };
            let file = d.file.clone();
            let device_id = device_of_name(&file).or(row.device_id).unwrap_or_default();
            // The last head the centre holds for the device, echoed back so that the device can
            // keep what the centre has seen outside its database (ADR 0020).
            let anchor = if d.outcome == "applied" { target.device_anchor(&device_id)?.map(|a| a.head) } else { None };
            let r = Receipt {
                format: FORMAT,
                centre_id: centre_id.clone(),
                device_id,
                bundle: file.clone(),
                sha256: row.sha256.clone(),
                outcome: d.outcome.to_string(),
                code: d.code.clone(),
                reason: d.reason.clone(),
                at: row.at,
                anchor,
            };
            if let Err(e) = source.put(&receipt::receipt_name(&file), &receipt::sign(&r, &key, rooted)) {
                report.warnings.push(format!("{file} の受領通知を書き込めませんでした（次の取り込みでもう一度書きます）: {}", e.message));
                continue;
            }
            target.receipt_written(&row.sha256, &now())?;
            report.receipts_written += 1;
        }
        Ok(())
    }
}

/// A version finalised on a device under older rules may break today's (a 区分 its hours
/// contradict, say). It is kept, as every version is, and named so that its device amends it.
/// The warning names the record, the version and the field, never the content.
fn rule_warnings(payload: &bundle::Payload) -> Vec<String> {
    let mut out = Vec::new();
    for e in payload.entries.iter().filter(|e| e.entry_type == "version") {
        let Ok(content) = serde_json::from_str::<crate::domain::VersionContent>(&e.content) else { continue };
        let problems = content.body.validate(crate::domain::Strictness::Final).into_vec();
        if !problems.is_empty() {
            let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
            out.push(format!(
                "記録 {} 第{}版は現在の確定の規則に合いません（{}）。記録は取り込みました。作成した端末で訂正してください。",
                e.record_id,
                e.version,
                fields.join("、")
            ));
        }
        // A visit's photos are checked as a device makes them; one that is not (a broken or
        // altered device) is kept with the version, named here, and printed only with limits.
        for (i, p) in content.snapshot.photos.iter().enumerate() {
            if let Err(why) = crate::store::photos::check_delivered(p) {
                out.push(format!("記録 {} 第{}版の写真{}が端末で整えた形ではありません（{why}）。記録は取り込みました。", e.record_id, e.version, i + 1));
            }
        }
    }
    out
}

/// Read one file: `Ok(Err(message))` when this file alone cannot be read; `Err` when the source
/// itself is away (the import stops; nothing half-applied).
fn read_one(source: &dyn Transport, name: &str) -> Result<std::result::Result<Option<Vec<u8>>, String>> {
    match source.get(name) {
        Ok(b) => Ok(Ok(b)),
        Err(e) if e.kind == super::transport::FailureKind::ThisFile => Ok(Err(e.message)),
        Err(e) => Err(e.into()),
    }
}

/// The device id in a bundle's name, for the receipt of a bundle that could not be opened.
fn device_of_name(file: &str) -> Option<String> {
    bundle::parse_name(file).map(|p| p.device_id.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Interview, RecordBody, Snapshot, VersionContent, WorkStatus, WorkStatusCategory};

    fn entry(record_id: &str, body: RecordBody) -> bundle::Entry {
        let content = serde_json::to_string(&VersionContent { body, snapshot: Snapshot::default() }).unwrap();
        bundle::Entry {
            entry_type: "version".into(),
            record_id: record_id.into(),
            version: 1,
            kind: "interview".into(),
            content_hash: sha256_hex(content.as_bytes()),
            content,
            reason: None,
            author_id: "a".into(),
            author_name: "b".into(),
            created_at: "2025-06-20T00:00:00Z".into(),
        }
    }

    fn payload(entries: Vec<bundle::Entry>) -> bundle::Payload {
        bundle::Payload {
            format: FORMAT,
            centre_id: "c".into(),
            device_id: "d".into(),
            seq: 1,
            created_at: "2025-06-20T00:00:00Z".into(),
            anchor: None,
            entries,
        }
    }

    #[test]
    fn a_version_that_breaks_todays_rules_is_named_by_id_and_field_only() {
        // Finalised on a device under older rules: 240 h in February 2025 is 80.0 h, not over 80.
        let i = Interview {
            work_status: Some(WorkStatus {
                categories: vec![WorkStatusCategory::Over80],
                period_from: crate::domain::Date::ymd(2025, 2, 1),
                period_to: crate::domain::Date::ymd(2025, 2, 28),
                total_hours: Some(240.0),
                duties: "機密の業務内容".into(),
                ..Default::default()
            }),
            ..Default::default()
        };
        let payload = payload(vec![entry("rec-1", RecordBody::Interview(i)), entry("rec-2", RecordBody::Interview(Interview::default()))]);
        let w = rule_warnings(&payload);
        assert!(w.iter().any(|m| m.contains("rec-1") && m.contains("work_status.categories")), "{w:?}");
        assert!(w.iter().all(|m| !m.contains("機密") && !m.contains("240")), "{w:?}");
    }

    #[test]
    fn a_delivered_photo_that_no_device_made_is_named_and_the_version_kept() {
        use crate::domain::{PhotoData, Visit};
        let photo = PhotoData { sha256: "0".repeat(64), width: 1, height: 1, jpeg_base64: "AAAA".into() };
        let mut e = entry("visit-1", RecordBody::Visit(Visit::default()));
        let content = VersionContent { body: RecordBody::Visit(Visit::default()), snapshot: Snapshot { photos: vec![photo], ..Default::default() } };
        e.content = serde_json::to_string(&content).unwrap();
        e.kind = "visit".into();
        let payload = payload(vec![e]);
        let w = rule_warnings(&payload);
        assert!(w.iter().any(|m| m.contains("visit-1") && m.contains("写真1") && m.contains("SHA-256")), "{w:?}");
    }
}
