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

use hmac::{Hmac, Mac};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use ts_rs::TS;

use super::atomic;
use super::keys::DataKey;
use super::Store;
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

/// What the centre last confirmed it holds of this store's chain (echoed in a receipt).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct CentreSeen {
    pub head: AuditHead,
    /// The receipt's time (the centre's clock).
    pub at: String,
}

/// The anchor's contents, apart from its format and MAC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Anchor {
    /// The head after the last write that finalised, amended, destroyed or restored.
    pub head: AuditHead,
    pub written_at: String,
    /// The newest head the centre confirmed holding (ADR 0020).
    #[serde(default)]
    pub centre: Option<CentreSeen>,
    /// A head the centre holds that this store lacks and whose loss the user accepted
    /// (`reanchor`): the centre keeps echoing it until the device's later bundles pass it.
    #[serde(default)]
    pub centre_accepted: Option<AuditHead>,
}

#[derive(Serialize, Deserialize)]
struct AnchorFile {
    format: u32,
    store_id: String,
    #[serde(flatten)]
    anchor: Anchor,
    mac: String,
}

/// What `anchor.json` holds, once read and checked.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Loaded {
    Missing,
    /// Unreadable, for another store, or its MAC does not check: changed by someone without the key.
    Damaged,
    Valid(Anchor),
}

fn mac(key: &DataKey, format: u32, store_id: &str, anchor: &Anchor) -> Hmac<Sha256> {
    let mut m = key.mac(b"chisanpo audit anchor mac v1");
    m.update(serde_json::json!([format, store_id, anchor]).to_string().as_bytes());
    m
}

/// Read and check `anchor.json` in `dir`.
pub(crate) fn load(dir: &Path, key: &DataKey, store_id: &str) -> Loaded {
    let Ok(bytes) = std::fs::read(dir.join(ANCHOR_FILE)) else {
        return if dir.join(ANCHOR_FILE).exists() { Loaded::Damaged } else { Loaded::Missing };
    };
    let Ok(f) = serde_json::from_slice::<AnchorFile>(&bytes) else { return Loaded::Damaged };
    let Ok(given) = hex::decode(&f.mac) else { return Loaded::Damaged };
    if f.format != FORMAT || f.store_id != store_id || mac(key, f.format, &f.store_id, &f.anchor).verify_slice(&given).is_err() {
        return Loaded::Damaged;
    }
    Loaded::Valid(f.anchor)
}

/// Write `anchor.json` (atomically, fsynced).
pub(crate) fn save(dir: &Path, key: &DataKey, store_id: &str, anchor: &Anchor) -> Result<()> {
    let tag = hex::encode(mac(key, FORMAT, store_id, anchor).finalize().into_bytes());
    let f = AnchorFile { format: FORMAT, store_id: store_id.to_string(), anchor: anchor.clone(), mac: tag };
    atomic::write_file(&dir.join(ANCHOR_FILE), &serde_json::to_vec_pretty(&f).expect("anchor serialises"))
}

/// A new anchor for `head`, keeping what the centre confirmed from `previous`.
pub(crate) fn moved(previous: Option<Anchor>, head: AuditHead) -> Anchor {
    let (centre, centre_accepted) = previous.map(|p| (p.centre, p.centre_accepted)).unwrap_or_default();
    Anchor { head, written_at: super::now(), centre, centre_accepted }
}

/// The audit chain's head in `conn`, if it has any entry.
pub fn head(conn: &Connection) -> Result<Option<AuditHead>> {
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
/// database holds the anchored entry and the one the centre confirmed (or when the store was
/// never anchored).
pub(crate) fn check(conn: &Connection, dir: &Path, key: &DataKey, store_id: &str) -> Result<Option<String>> {
    let anchored_since: Option<String> = conn.query_row("SELECT value FROM meta WHERE key = ?1", [ANCHORED_SINCE], |r| r.get(0)).optional()?;
    match load(dir, key, store_id) {
        Loaded::Valid(a) => {
            if let Some(p) = compare(conn, &a.head, &format!("{} の時点の記録（anchor.json）", local_time(&a.written_at)))? {
                return Ok(Some(p));
            }
            match &a.centre {
                Some(c) => compare(conn, &c.head, &format!("センターが {} に受け取りを確認した時点", local_time(&c.at))),
                None => Ok(None),
            }
        }
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

impl Store {
    /// At unlock: compare the database with `anchor.json`. A store never anchored (new, or made
    /// by 0.2.0) is anchored now. A database that lacks the anchored entry, or the one the centre
    /// confirmed, is kept as it is: the problem is remembered for `verify` and the screens, and
    /// the anchor is left where it is until the user restores or accepts the loss (`reanchor`).
    pub(crate) fn settle_anchor(&self) -> Result<()> {
        let problem = self.read(|c| check(c, &self.paths.dir, &self.key, &self.store_id))?;
        if problem.is_some() {
            *self.anchor_problem.lock().unwrap_or_else(|e| e.into_inner()) = problem;
            return Ok(());
        }
        if load(&self.paths.dir, &self.key, &self.store_id) == Loaded::Missing {
            let conn = self.writer.lock().unwrap_or_else(|e| e.into_inner());
            conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?1, ?2)", [ANCHORED_SINCE, &super::now()])?;
            self.move_anchor(&conn)?;
        }
        Ok(())
    }

    /// Write the anchor for the chain's head in `conn` (the writer, so that no write slips in
    /// between), keeping what the centre confirmed.
    pub(crate) fn move_anchor(&self, conn: &Connection) -> Result<()> {
        let Some(head) = head(conn)? else { return Ok(()) };
        let previous = match load(&self.paths.dir, &self.key, &self.store_id) {
            Loaded::Valid(a) => Some(a),
            _ => None,
        };
        save(&self.paths.dir, &self.key, &self.store_id, &moved(previous, head))
    }

    /// What the anchor said at unlock (or a receipt since), when the database lacks writes that
    /// were anchored or that the centre holds: the screens show it and `verify` reports it.
    /// None when all is well.
    pub fn anchor_problem(&self) -> Option<String> {
        self.anchor_problem.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Accept the database as it is after an anchor problem (once the user has restored what
    /// could be restored, or the loss is known and explained): recorded in the audit log, then
    /// the anchor moves to the current head. A head the centre holds that this store lacks is
    /// accepted with it: receipts that echo it again are not reported again.
    pub fn reanchor(&self) -> Result<()> {
        let had_problem = self.anchor_problem().is_some();
        let mut guard = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        let tx = guard.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let detail = serde_json::json!({ "anchor": "reset", "had_problem": had_problem });
        super::audit::append(&tx, &self.store_id, &self.actor, super::Action::Edit, "anchor", detail)?;
        tx.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?1, ?2)", [ANCHORED_SINCE, &super::now()])?;
        tx.commit()?;
        let Some(now_head) = head(&guard)? else { return Ok(()) };
        let previous = match load(&self.paths.dir, &self.key, &self.store_id) {
            Loaded::Valid(a) => Some(a),
            _ => None,
        };
        let lost_centre = match previous.as_ref().and_then(|p| p.centre.clone()) {
            Some(c) if compare(&guard, &c.head, "")?.is_some() => Some(c.head),
            _ => None,
        };
        let accepted = lost_centre.or_else(|| previous.as_ref().and_then(|p| p.centre_accepted.clone()));
        let centre = previous.as_ref().and_then(|p| p.centre.clone()).filter(|c| Some(&c.head) != accepted.as_ref());
        let anchor = Anchor { head: now_head, written_at: super::now(), centre, centre_accepted: accepted };
        save(&self.paths.dir, &self.key, &self.store_id, &anchor)?;
        *self.anchor_problem.lock().unwrap_or_else(|e| e.into_inner()) = None;
        Ok(())
    }

    /// A receipt said the centre holds this store's chain up to `head` (at `at`, the centre's
    /// clock). Kept in the anchor when it is newer than what was kept; when this store's chain
    /// lacks it (the database went back after those writes reached the centre), the problem is
    /// reported as at unlock. A head whose loss the user accepted is passed over.
    pub fn note_centre_anchor(&self, centre_head: &AuditHead, at: &str) -> Result<()> {
        let guard = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        let Loaded::Valid(mut a) = load(&self.paths.dir, &self.key, &self.store_id) else { return Ok(()) };
        if a.centre_accepted.as_ref() == Some(centre_head) || a.centre.as_ref().is_some_and(|c| c.head.seq >= centre_head.seq) {
            return Ok(());
        }
        let problem = compare(&guard, centre_head, &format!("センターが {} に受け取りを確認した時点", local_time(at)))?;
        a.centre = Some(CentreSeen { head: centre_head.clone(), at: at.to_string() });
        save(&self.paths.dir, &self.key, &self.store_id, &a)?;
        if problem.is_some() {
            *self.anchor_problem.lock().unwrap_or_else(|e| e.into_inner()) = problem;
        }
        Ok(())
    }
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
        let mut a = moved(None, head.clone());
        a.centre = Some(CentreSeen { head: AuditHead { seq: 5, hash: "cd".repeat(32) }, at: "2026-12-01T00:00:00.000Z".into() });
        save(dir.path(), &key, "s", &a).unwrap();
        assert_eq!(load(dir.path(), &key, "s"), Loaded::Valid(a.clone()));
        // Another key, another store, or a moved head or centre head: damaged.
        assert_eq!(load(dir.path(), &DataKey::generate(), "s"), Loaded::Damaged);
        assert_eq!(load(dir.path(), &key, "another store"), Loaded::Damaged);
        let text = std::fs::read_to_string(dir.path().join(ANCHOR_FILE)).unwrap();
        for (from, to) in [("\"seq\": 7", "\"seq\": 3"), ("\"seq\": 5", "\"seq\": 9")] {
            assert!(text.contains(from), "{text}");
            std::fs::write(dir.path().join(ANCHOR_FILE), text.replace(from, to)).unwrap();
            assert_eq!(load(dir.path(), &key, "s"), Loaded::Damaged, "{from} → {to}");
        }
        std::fs::write(dir.path().join(ANCHOR_FILE), b"{").unwrap();
        assert_eq!(load(dir.path(), &key, "s"), Loaded::Damaged);
        // Moving the head keeps what the centre confirmed.
        assert_eq!(moved(Some(a.clone()), AuditHead { seq: 8, hash: "ef".into() }).centre, a.centre);
    }
}
