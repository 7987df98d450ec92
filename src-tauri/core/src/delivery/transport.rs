//! Transports, and one delivery pass: make bundles of what is waiting, then hand every bundle
//! not yet delivered to the transport. A bundle is made once (its sequence number and bytes are
//! stored), so a retry after a failure sends the very same file, never a duplicate.

use std::path::{Path, PathBuf};

use rusqlite::{params, Connection};
use serde::Serialize;

use super::bundle::{self, Entry, Payload};
use super::keys::DeviceKey;
use super::{get_setting, setting, CentreProfile, FORMAT};
use crate::error::{Error, Result};
use crate::store::audit::sha256_hex;
use crate::store::{atomic, now, Action, Store};

/// At most this many entries in one bundle.
pub const BUNDLE_ENTRIES: usize = 500;

/// Where bundles go. `put` returns only once the file is whole and durable at the destination;
/// writing the same name twice with the same bytes must be harmless.
pub trait Transport {
    /// Where, for messages and the audit log (a path or a URL, never a secret).
    fn describe(&self) -> String;
    fn put(&self, name: &str, bytes: &[u8]) -> Result<()>;
}

/// A folder: a synced folder (OneDrive, Box, Nextcloud) or a network share.
#[derive(Debug, Clone)]
pub struct FolderTransport {
    pub dir: PathBuf,
}

impl FolderTransport {
    pub fn new(dir: &Path) -> Self {
        FolderTransport { dir: dir.to_path_buf() }
    }

    fn unwritable(&self) -> Error {
        Error::Delivery(format!(
            "配送先のフォルダ（{}）に書き込めません。フォルダの場所と権限、同期の状態を確かめてから、もう一度 `chisanpo deliver` を実行してください。記録は端末に残っていて、次の配送で送ります。",
            self.dir.display()
        ))
    }
}

impl Transport for FolderTransport {
    fn describe(&self) -> String {
        self.dir.display().to_string()
    }

    fn put(&self, name: &str, bytes: &[u8]) -> Result<()> {
        if !self.dir.is_dir() {
            return Err(self.unwritable());
        }
        let target = self.dir.join(name);
        // The bundle first, its hash last: a file without its hash is not yet complete.
        atomic::write_file(&target, bytes).map_err(|e| if matches!(e, Error::DiskFull) { e } else { self.unwritable() })?;
        atomic::write_file(&self.dir.join(bundle::hash_file_name(name)), format!("{}\n", sha256_hex(bytes)).as_bytes()).map_err(|e| {
            if matches!(e, Error::DiskFull) {
                e
            } else {
                self.unwritable()
            }
        })
    }
}

/// What one delivery pass did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DeliveryReport {
    pub bundles_made: usize,
    pub bundles_sent: Vec<String>,
    pub entries_sent: i64,
    /// Entries still waiting after the pass.
    pub waiting: i64,
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
                for (oseq, entry_type, record_id, version, ref_id, kind) in &waiting {
                    match entry_of(tx, entry_type, record_id, *version, ref_id.as_deref(), kind)? {
                        Some(e) => {
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
                let payload = Payload { format: FORMAT, centre_id: profile.centre_id.clone(), device_id: device_id.clone(), seq: seq as u64, created_at: now(), entries };
                let bytes = bundle::seal(&payload, &key, &profile.recipient)?;
                let name = bundle::file_name(&device_id, seq as u64);
                tx.execute(
                    "INSERT INTO outbox_bundles (seq, file_name, sha256, bytes, entries, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![seq, name, sha256_hex(&bytes), bytes, taken.len() as i64, payload.created_at],
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

    /// One delivery pass: make bundles, then send every bundle not yet delivered, in order.
    /// Stops at the first failure; what was not sent stays queued for the next pass.
    pub fn deliver(&self, transport: &dyn Transport) -> Result<DeliveryReport> {
        let mut report = DeliveryReport { bundles_made: self.make_bundles()?, ..Default::default() };
        let pending: Vec<(i64, String, Vec<u8>)> = self.read(|c| {
            Ok(c.prepare("SELECT seq, file_name, bytes FROM outbox_bundles WHERE sent_at IS NULL ORDER BY seq")?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<rusqlite::Result<_>>()?)
        })?;
        for (seq, name, bytes) in pending {
            transport.put(&name, &bytes)?;
            let sent = self.write(|tx| {
                let at = now();
                tx.execute("UPDATE outbox_bundles SET sent_at = ?2, sent_to = ?3 WHERE seq = ?1", params![seq, at, transport.describe()])?;
                let n = tx.execute("UPDATE outbox SET state = 'sent', sent_at = ?2 WHERE bundle_seq = ?1 AND state = 'bundled'", params![seq, at])?;
                self.audit(tx, Action::Export, &name, serde_json::json!({ "delivery": "bundle_sent", "entries": n, "to": transport.describe() }))?;
                Ok(n as i64)
            })?;
            report.entries_sent += sent;
            report.bundles_sent.push(name);
        }
        report.waiting = self.read(|c| Ok(c.query_row("SELECT count(*) FROM outbox WHERE state IN ('waiting', 'bundled')", [], |r| r.get(0))?))?;
        Ok(report)
    }
}
