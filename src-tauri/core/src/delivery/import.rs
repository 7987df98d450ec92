//! The centre's import: every bundle in a folder is checked (its hash, decryption with the
//! centre key, the enrolled device's signature, the centre it is for, each content hash) and
//! applied in one transaction, or quarantined with its reason while the others go on.
//! Applying is idempotent: a (record, version, content hash) already there is a no-op, so
//! bundles may come in any order or twice. Two different contents for the same record and
//! version are both kept and the record is flagged 要確認.

use std::collections::BTreeSet;
use std::path::Path;

use super::receipt::{self, Receipt};
use super::transport::{FolderTransport, Transport};
use super::FORMAT;

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use super::bundle::{self, Refusal, BUNDLE_EXTENSION};
use super::enrol::require_centre;
use super::keys;
use crate::domain::VersionContent;
use crate::error::Result;
use crate::store::audit::sha256_hex;
use crate::store::{now, Action, Store};

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

enum Outcome {
    Applied { device: String, added: usize, present: usize, destructions: usize, records: BTreeSet<String>, warnings: Vec<String> },
    Refused { device: Option<String>, refusal: Refusal },
}

fn check(
    c: &Connection,
    centre_id: &str,
    identities: &[keys::CentreIdentity],
    bytes: &[u8],
) -> std::result::Result<bundle::Payload, (Option<String>, Refusal)> {
    // The current key first, then the keys retired by a rotation.
    let mut opened = Err(Refusal::NotDecryptable);
    for identity in identities {
        opened = bundle::open(identity, bytes);
        if !matches!(opened, Err(Refusal::NotDecryptable)) {
            break;
        }
    }
    let env = opened.map_err(|r| (None, r))?;
    let device = Some(env.device_id.clone());
    let key: Option<String> = c
        .query_row("SELECT public_key FROM centre_devices WHERE device_id = ?1", [&env.device_id], |r| r.get(0))
        .optional()
        .map_err(|_| (device.clone(), Refusal::Unreadable))?;
    let Some(key) = key else { return Err((device, Refusal::UnknownDevice(env.device_id.clone()))) };
    if !keys::verify(&key, env.payload.as_bytes(), &env.signature) {
        return Err((device, Refusal::BadSignature));
    }
    let payload = bundle::payload_of(&env).map_err(|r| (device.clone(), r))?;
    if payload.centre_id != centre_id {
        return Err((device, Refusal::OtherCentre));
    }
    Ok(payload)
}

fn apply(tx: &Connection, payload: &bundle::Payload, file: &str, imported_at: &str) -> Result<Outcome> {
    let (mut added, mut present, mut destructions) = (0, 0, 0);
    let mut records = BTreeSet::new();
    let mut warnings = Vec::new();
    let limit = chrono::Utc::now() + chrono::Duration::hours(CLOCK_SLACK_HOURS);
    let mut clock_wrong = false;
    for e in &payload.entries {
        if chrono::DateTime::parse_from_rfc3339(&e.created_at).map(|t| t > limit).unwrap_or(true) {
            clock_wrong = true;
        }
        records.insert(e.record_id.clone());
        if e.entry_type == "destruction" {
            let id = serde_json::from_str::<serde_json::Value>(&e.content)
                .ok()
                .and_then(|v| v["id"].as_str().map(str::to_string))
                .unwrap_or_else(|| e.content_hash.clone());
            destructions += tx.execute(
                "INSERT INTO consolidated_destructions (destruction_id, record_id, device_id, detail, imported_at, bundle) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
                params![id, e.record_id, payload.device_id, e.content, imported_at, file],
            )?;
            continue;
        }
        let n = tx.execute(
            "INSERT INTO consolidated_versions (record_id, version, content_hash, kind, device_id, content, reason, author_id, author_name, created_at, imported_at, bundle) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) ON CONFLICT DO NOTHING",
            params![e.record_id, e.version, e.content_hash, e.kind, payload.device_id, e.content, e.reason, e.author_id, e.author_name, e.created_at, imported_at, file],
        )?;
        if n == 1 {
            added += 1;
            super::consolidated::note_version(tx, &payload.device_id, &e.record_id, e.version, &e.content_hash, &e.kind, &e.content, imported_at)?;
        } else {
            present += 1;
        }
    }
    if clock_wrong {
        warnings.push(format!(
            "端末 {} の日時が未来になっています（時計が狂っている可能性があります）。端末の時計を確かめてください。記録は取り込み日時とともに保存しました。",
            payload.device_id
        ));
    }
    Ok(Outcome::Applied { device: payload.device_id.clone(), added, present, destructions, records, warnings })
}

fn conflicted(c: &Connection, record_id: &str) -> Result<bool> {
    Ok(c.query_row(
        "SELECT EXISTS (SELECT 1 FROM consolidated_versions WHERE record_id = ?1 GROUP BY version HAVING count(DISTINCT content_hash) > 1)",
        [record_id],
        |r| r.get(0),
    )?)
}

impl Store {
    /// `centre import --from DIR`.
    pub fn centre_import(&self, dir: &Path) -> Result<ImportReport> {
        self.centre_import_from(&FolderTransport::new(dir))
    }

    /// `centre import --from DIR|URL`: check and apply every bundle the source holds, then
    /// write the receipts back through the same source.
    pub fn centre_import_from(&self, source: &dyn Transport) -> Result<ImportReport> {
        self.read(|c| require_centre(c).map(|_| ()))?;
        let mut report = ImportReport::default();
        // A bundle applied from another source (sent twice, two ways) needs its receipt here too.
        let receipts: BTreeSet<String> = source.list(receipt::RECEIPT_EXTENSION)?.into_iter().collect();
        let mut receipt_here = Vec::new();
        for file in source.list(BUNDLE_EXTENSION)? {
            // A bundle without its hash file is still arriving: looked at again next time.
            let Some(expected) = source.get(&bundle::hash_file_name(&file))? else {
                report.incomplete.push(file);
                continue;
            };
            let Some(bytes) = source.get(&file)? else {
                report.incomplete.push(file);
                continue;
            };
            let expected = String::from_utf8_lossy(&expected).trim().to_string();
            let sha = sha256_hex(&bytes);
            let outcome = self.write(|tx| {
                // A bundle applied before is skipped; one quarantined before is checked again (its
                // device may have been enrolled since) but recorded again only if it now applies.
                let seen: Option<String> = tx.query_row("SELECT outcome FROM centre_bundles WHERE sha256 = ?1", [&sha], |r| r.get(0)).optional()?;
                if seen.as_deref() == Some("applied") {
                    return Ok(None);
                }
                let (centre_id, _) = require_centre(tx)?;
                let identities = super::rotate::all_identities(tx)?;
                let checked = if expected != sha { Err((device_of_name(&file), Refusal::Damaged)) } else { check(tx, &centre_id, &identities, &bytes) };
                let imported_at = now();
                let outcome = match checked {
                    Ok(payload) => apply(tx, &payload, &file, &imported_at)?,
                    Err((device, refusal)) => Outcome::Refused { device: device.or_else(|| device_of_name(&file)), refusal },
                };
                if seen.is_some() && matches!(outcome, Outcome::Refused { .. }) {
                    return Ok(Some(outcome));
                }
                let (result, device, reason, code, entries) = match &outcome {
                    Outcome::Applied { device, added, destructions, .. } => ("applied", Some(device.clone()), None, None, added + destructions),
                    Outcome::Refused { device, refusal } => ("quarantined", device.clone(), Some(refusal.message()), Some(refusal.code()), 0),
                };
                tx.execute(
                    "INSERT INTO centre_bundles (sha256, file_name, device_id, outcome, reason, entries, at, source, code) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) \
                     ON CONFLICT(sha256) DO UPDATE SET device_id = excluded.device_id, outcome = excluded.outcome, reason = excluded.reason, entries = excluded.entries, \
                     at = excluded.at, source = excluded.source, code = excluded.code, receipt_at = NULL",
                    params![sha, file, device, result, reason, entries as i64, imported_at, source.describe(), code],
                )?;
                self.audit(tx, Action::Edit, &file, serde_json::json!({ "delivery": format!("import_{result}"), "sha256": sha, "device_id": device, "entries": entries }))?;
                Ok(Some(outcome))
            })?;
            match outcome {
                None => {
                    report.bundles_already_applied += 1;
                    if !receipts.contains(&receipt::receipt_name(&file)) {
                        receipt_here.push(sha);
                    }
                }
                Some(Outcome::Refused { refusal, .. }) => report.quarantined.push(Quarantined { file, reason: refusal.message() }),
                Some(Outcome::Applied { added, present, destructions, records, warnings, .. }) => {
                    report.bundles_applied.push(file);
                    report.versions_added += added;
                    report.versions_already_present += present;
                    report.destructions_added += destructions;
                    report.warnings.extend(warnings);
                    for r in records {
                        if self.read(|c| conflicted(c, &r))? && !report.needs_review.contains(&r) {
                            report.needs_review.push(r);
                        }
                    }
                }
            }
        }
        self.write_receipts(source, &receipt_here, &mut report)?;
        Ok(report)
    }

    /// Write a signed receipt beside every bundle of this source looked at since its last
    /// receipt. A receipt that cannot be written is tried again at the next import.
    fn write_receipts(&self, source: &dyn Transport, also: &[String], report: &mut ImportReport) -> Result<()> {
        type Row = (String, String, Option<String>, String, Option<String>, Option<String>, String);
        let (centre_id, key, rows) = self.write(|tx| {
            let (centre_id, _) = require_centre(tx)?;
            let key = super::rotate::receipt_key(tx)?;
            let mut stmt = tx.prepare(
                "SELECT sha256, file_name, device_id, outcome, code, reason, at FROM centre_bundles \
                 WHERE (receipt_at IS NULL AND source = ?1) OR sha256 IN (SELECT value FROM json_each(?2)) ORDER BY at, file_name",
            )?;
            let rows: Vec<Row> = stmt
                .query_map(params![source.describe(), serde_json::to_string(also).expect("ids serialise")], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?))
                })?
                .collect::<rusqlite::Result<_>>()?;
            Ok((centre_id, key, rows))
        })?;
        for (sha, file, device, outcome, code, reason, at) in rows {
            let r = Receipt {
                format: FORMAT,
                centre_id: centre_id.clone(),
                device_id: device.or_else(|| device_of_name(&file)).unwrap_or_default(),
                bundle: file.clone(),
                sha256: sha.clone(),
                outcome,
                code,
                reason,
                at,
            };
            if let Err(e) = source.put(&receipt::receipt_name(&file), &receipt::sign(&r, &key)) {
                report.warnings.push(format!("{file} の受領通知を書き込めませんでした（次の取り込みでもう一度書きます）: {}", e.message));
                continue;
            }
            self.write(|tx| Ok(tx.execute("UPDATE centre_bundles SET receipt_at = ?2 WHERE sha256 = ?1", params![sha, now()])?))?;
            report.receipts_written += 1;
        }
        Ok(())
    }

    /// The consolidated records, newest first.
    pub fn consolidated_records(&self) -> Result<Vec<ConsolidatedRecord>> {
        self.read(|c| {
            let mut stmt = c.prepare(
                "SELECT v.record_id, v.kind, v.version, v.device_id, v.content FROM consolidated_versions v \
                 ORDER BY v.record_id, v.version DESC, v.imported_at, v.device_id",
            )?;
            let rows = stmt
                .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, u32>(2)?, r.get::<_, String>(3)?, r.get::<_, String>(4)?)))?;
            let mut out: Vec<ConsolidatedRecord> = Vec::new();
            for row in rows {
                let (id, kind, version, device, content) = row?;
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
                r.needs_review = conflicted(c, &r.id)?;
                r.review = r.needs_review.then(|| "要確認".to_string());
                r.destroyed_on_device = c.query_row("SELECT EXISTS (SELECT 1 FROM consolidated_destructions WHERE record_id = ?1)", [&r.id], |x| x.get(0))?;
            }
            out.sort_by(|a, b| b.performed_on.cmp(&a.performed_on).then_with(|| b.id.cmp(&a.id)));
            Ok(out)
        })
    }
}

/// The device id in a bundle's name (`<device-id>-<seq>.chisanpo-bundle`), for the receipt of a
/// bundle that could not be opened.
fn device_of_name(file: &str) -> Option<String> {
    let stem = file.strip_suffix(&format!(".{BUNDLE_EXTENSION}"))?;
    let (device, seq) = stem.rsplit_once('-')?;
    (seq.len() == 8 && seq.bytes().all(|b| b.is_ascii_digit()) && uuid::Uuid::parse_str(device).is_ok()).then(|| device.to_string())
}
