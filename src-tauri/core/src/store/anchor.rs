//! The audit chain's anchor, kept outside the database (ADR 0020).
//!
//! The audit log is a hash chain inside the database, so it proves nothing about a database
//! that is *whole but old*: delete `chisanpo.db-wal` after a crash, or copy an older
//! `chisanpo.db` over the current one (same data key), and the chain still verifies, only
//! shorter. The anchor is the chain's head (sequence number and hash) written to
//! `anchor.json` beside the database after every write that finalises, amends, destroys or
//! restores, and authenticated with a key derived from the data key (HMAC-SHA-256), so that
//! only someone who can unlock the store can move it. `verify` (and every unlock) checks that
//! the database still holds the anchored entry, with the same hash.
//!
//! What it does not stop: someone who copies *both* an older database and its older
//! `anchor.json` back. That is what the comparison with the newest backup's header is for
//! (`Store::verify`).

use std::path::Path;

use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use ts_rs::TS;

use super::atomic;
use super::keys::DataKey;
use crate::error::Result;

/// The anchor's file name in the data folder.
pub const ANCHOR_FILE: &str = "anchor.json";
const FORMAT: u32 = 1;
/// The `meta` key that says this store has been anchored (since when): a database that says
/// so with no `anchor.json` beside it has lost its anchor, which `verify` reports.
pub(crate) const ANCHORED_SINCE: &str = "anchored_since";

/// The head of the audit chain: its last entry's sequence number and hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AuditHead {
    pub seq: i64,
    pub hash: String,
}

#[derive(Serialize, Deserialize)]
struct AnchorFile {
    format: u32,
    store_id: String,
    head: AuditHead,
    written_at: String,
    mac: String,
}

/// What `anchor.json` holds, once read and checked.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Loaded {
    Missing,
    /// Unreadable, for another store, or its MAC does not check: changed by someone without the key.
    Damaged,
    Valid {
        head: AuditHead,
        written_at: String,
    },
}

fn mac_key(key: &DataKey) -> [u8; 32] {
    let hk = Hkdf::<Sha256>::new(None, key.bytes());
    let mut out = [0u8; 32];
    hk.expand(b"chisanpo audit anchor mac v1", &mut out).expect("32 bytes is a valid HKDF length");
    out
}

fn mac_of(key: &DataKey, store_id: &str, head: &AuditHead, written_at: &str) -> String {
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(&mac_key(key)).expect("HMAC takes any key length");
    m.update(serde_json::json!([FORMAT, store_id, head.seq, head.hash, written_at]).to_string().as_bytes());
    hex::encode(m.finalize().into_bytes())
}

/// Read and check `anchor.json` in `dir`.
pub(crate) fn load(dir: &Path, key: &DataKey, store_id: &str) -> Loaded {
    let Ok(bytes) = std::fs::read(dir.join(ANCHOR_FILE)) else {
        return if dir.join(ANCHOR_FILE).exists() { Loaded::Damaged } else { Loaded::Missing };
    };
    let Ok(f) = serde_json::from_slice::<AnchorFile>(&bytes) else { return Loaded::Damaged };
    let Ok(given) = hex::decode(&f.mac) else { return Loaded::Damaged };
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(&mac_key(key)).expect("HMAC takes any key length");
    m.update(serde_json::json!([f.format, f.store_id, f.head.seq, f.head.hash, f.written_at]).to_string().as_bytes());
    if f.format != FORMAT || f.store_id != store_id || m.verify_slice(&given).is_err() {
        return Loaded::Damaged;
    }
    Loaded::Valid { head: f.head, written_at: f.written_at }
}

/// Write `anchor.json` (atomically, fsynced) for `head`.
pub(crate) fn save(dir: &Path, key: &DataKey, store_id: &str, head: &AuditHead) -> Result<()> {
    let written_at = super::now();
    let mac = mac_of(key, store_id, head, &written_at);
    let f = AnchorFile { format: FORMAT, store_id: store_id.to_string(), head: head.clone(), written_at, mac };
    atomic::write_file(&dir.join(ANCHOR_FILE), &serde_json::to_vec_pretty(&f).expect("anchor serialises"))
}

/// The audit chain's head in `conn`, if it has any entry.
pub(crate) fn head(conn: &Connection) -> Result<Option<AuditHead>> {
    Ok(conn.query_row("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", [], |r| Ok(AuditHead { seq: r.get(0)?, hash: r.get(1)? })).optional()?)
}

/// Whether the database still holds `anchored` with the same hash; if not, what is wrong, in
/// words for the user (no health data: sequence numbers and times only). `what` names where
/// the anchor came from (「最後の確定・訂正・廃棄のとき」, 「最新のバックアップ（…）」).
pub(crate) fn compare(conn: &Connection, anchored: &AuditHead, what: &str) -> Result<Option<String>> {
    let hash: Option<String> = conn.query_row("SELECT hash FROM audit_log WHERE seq = ?1", [anchored.seq], |r| r.get(0)).optional()?;
    let last = head(conn)?.map(|h| h.seq).unwrap_or(0);
    Ok(match hash {
        Some(h) if h == anchored.hash => None,
        Some(_) => Some(format!(
            "監査ログの{}番目の記録が、{what}の内容と違います。データベースが別のもの（同じ鍵の古い写しなど）に置き換えられています。バックアップから復元してください。",
            anchored.seq
        )),
        None => Some(format!(
            "監査ログが{last}番目で終わっていますが、{what}には{}番目までありました。その後の書き込み（確定・訂正・廃棄を含む）が失われています（chisanpo.db-wal の削除や、古い chisanpo.db での上書きなど）。バックアップから復元してください。",
            anchored.seq
        )),
    })
}

/// What the anchor file says about the store, for `verify` and the unlock: None when the
/// database holds the anchored entry (or when the store was never anchored).
pub(crate) fn check(conn: &Connection, dir: &Path, key: &DataKey, store_id: &str) -> Result<Option<String>> {
    let anchored_since: Option<String> = conn.query_row("SELECT value FROM meta WHERE key = ?1", [ANCHORED_SINCE], |r| r.get(0)).optional()?;
    match load(dir, key, store_id) {
        Loaded::Valid { head, written_at } => compare(conn, &head, &format!("{} の時点の記録（anchor.json）", local_time(&written_at))),
        Loaded::Damaged => Ok(Some(
            "データフォルダの anchor.json が壊れているか、鍵を持たない人に書き換えられています。データベースが置き換えられていないか確かめ、バックアップから復元してください。".into(),
        )),
        Loaded::Missing if anchored_since.is_some() => Ok(Some(
            "データフォルダの anchor.json がありません。データベースが以前のものに置き換えられたか、ファイルが削除されています。バックアップから復元してください。".into(),
        )),
        Loaded::Missing => Ok(None),
    }
}

/// A stored UTC time as the user reads it (local, to the minute).
pub(crate) fn local_time(stored: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(stored)
        .map(|t| t.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|_| stored.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_anchor_is_authenticated_by_the_data_key() {
        let dir = tempfile::tempdir().unwrap();
        let key = DataKey::generate();
        let head = AuditHead { seq: 7, hash: "ab".repeat(32) };
        assert_eq!(load(dir.path(), &key, "s"), Loaded::Missing);
        save(dir.path(), &key, "s", &head).unwrap();
        assert!(matches!(load(dir.path(), &key, "s"), Loaded::Valid { head: h, .. } if h == head));
        // Another key, another store, or a moved head: damaged.
        assert_eq!(load(dir.path(), &DataKey::generate(), "s"), Loaded::Damaged);
        assert_eq!(load(dir.path(), &key, "another store"), Loaded::Damaged);
        let text = std::fs::read_to_string(dir.path().join(ANCHOR_FILE)).unwrap();
        std::fs::write(dir.path().join(ANCHOR_FILE), text.replace("\"seq\": 7", "\"seq\": 3")).unwrap();
        assert_eq!(load(dir.path(), &key, "s"), Loaded::Damaged);
        std::fs::write(dir.path().join(ANCHOR_FILE), b"{").unwrap();
        assert_eq!(load(dir.path(), &key, "s"), Loaded::Damaged);
    }
}
