//! The audit log: an append-only hash chain of who did what, when.
//!
//! Entry n stores `hash_n = SHA-256(prev_hash ‖ seq ‖ at ‖ actor ‖ action ‖ target ‖ detail)`
//! with `prev_hash = hash_{n-1}`; the first entry chains from a genesis hash derived from the
//! store id, so a chain cannot be transplanted from another store. Entries hold ids, kinds,
//! versions and content hashes: never health data.

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::error::Result;

/// Who is acting: the user profile of the unlocked store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Actor {
    pub id: String,
    pub name: String,
}

/// What was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Init,
    Unlock,
    Create,
    Edit,
    Finalise,
    Amend,
    Discard,
    Export,
    Print,
    Backup,
    Restore,
    PassphraseChange,
    Recover,
    Destroy,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Init => "init",
            Action::Unlock => "unlock",
            Action::Create => "create",
            Action::Edit => "edit",
            Action::Finalise => "finalise",
            Action::Amend => "amend",
            Action::Discard => "discard",
            Action::Export => "export",
            Action::Print => "print",
            Action::Backup => "backup",
            Action::Restore => "restore",
            Action::PassphraseChange => "passphrase_change",
            Action::Recover => "recover",
            Action::Destroy => "destroy",
        }
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

pub fn genesis_hash(store_id: &str) -> String {
    sha256_hex(format!("chisanpo-audit-genesis|{store_id}").as_bytes())
}

#[allow(clippy::too_many_arguments)]
fn entry_hash(prev: &str, seq: i64, at: &str, actor_id: &str, actor_name: &str, action: &str, target: &str, detail: &str) -> String {
    let mut h = Sha256::new();
    for part in [prev, &seq.to_string(), at, actor_id, actor_name, action, target, detail] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Append an entry inside the caller's transaction. `detail` must hold no health data.
pub fn append(conn: &Connection, store_id: &str, actor: &Actor, action: Action, target: &str, detail: serde_json::Value) -> Result<i64> {
    let last: Option<(i64, String)> =
        conn.query_row("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
    let (seq, prev) = match last {
        Some((s, h)) => (s + 1, h),
        None => (1, genesis_hash(store_id)),
    };
    let at = crate::now();
    let detail = detail.to_string();
    let hash = entry_hash(&prev, seq, &at, &actor.id, &actor.name, action.as_str(), target, &detail);
    conn.execute(
        "INSERT INTO audit_log (seq, at, actor_id, actor_name, action, target, detail, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![seq, at, actor.id, actor.name, action.as_str(), target, detail, prev, hash],
    )?;
    Ok(seq)
}

/// One audit entry as shown to people.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: String,
    pub actor_id: String,
    pub actor_name: String,
    pub action: String,
    pub target: String,
    pub detail: serde_json::Value,
    pub hash: String,
}

pub fn entries_for(conn: &Connection, target: &str) -> Result<Vec<AuditEntry>> {
    let mut stmt = conn.prepare("SELECT seq, at, actor_id, actor_name, action, target, detail, hash FROM audit_log WHERE target = ?1 ORDER BY seq")?;
    let rows = stmt.query_map([target], |r| {
        let detail: String = r.get(6)?;
        Ok(AuditEntry {
            seq: r.get(0)?,
            at: r.get(1)?,
            actor_id: r.get(2)?,
            actor_name: r.get(3)?,
            action: r.get(4)?,
            target: r.get(5)?,
            detail: serde_json::from_str(&detail).unwrap_or(serde_json::Value::Null),
            hash: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The entries whose detail mentions `needle` (a JSON key or value, as `LIKE '%needle%'`
/// finds it), oldest first: (time, target, detail as stored).
pub fn entries_mentioning(conn: &Connection, needles: &[&str]) -> Result<Vec<(String, String, String)>> {
    let cond = vec!["detail LIKE '%' || ? || '%'"; needles.len()].join(" OR ");
    let mut stmt = conn.prepare(&format!("SELECT at, target, detail FROM audit_log WHERE {cond} ORDER BY seq"))?;
    let rows = stmt.query_map(rusqlite::params_from_iter(needles), |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Where the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ChainBreak {
    /// The first entry that does not follow from the one before it.
    pub seq: i64,
    pub reason: String,
}

/// Walk the whole chain. Returns the number of entries, the last hash, and the first break.
pub fn verify_chain(conn: &Connection, store_id: &str) -> Result<(i64, String, Option<ChainBreak>)> {
    let mut stmt = conn.prepare("SELECT seq, at, actor_id, actor_name, action, target, detail, prev_hash, hash FROM audit_log ORDER BY seq")?;
    let mut rows = stmt.query([])?;
    let mut expected_prev = genesis_hash(store_id);
    let mut expected_seq = 1i64;
    let mut count = 0i64;
    while let Some(r) = rows.next()? {
        let seq: i64 = r.get(0)?;
        let (at, actor_id, actor_name, action, target, detail): (String, String, String, String, String, String) =
            (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?);
        let (prev, hash): (String, String) = (r.get(7)?, r.get(8)?);
        let broken = |reason: &str| Ok((count, expected_prev.clone(), Some(ChainBreak { seq, reason: reason.to_string() })));
        if seq != expected_seq {
            return broken(&format!("通し番号が{expected_seq}から{seq}に飛んでいます（記録が削除されたか並べ替えられています）"));
        }
        if prev != expected_prev {
            return broken("前の記録のハッシュと一致しません（前の記録が変更・削除されたか、並べ替えられています）");
        }
        if entry_hash(&prev, seq, &at, &actor_id, &actor_name, &action, &target, &detail) != hash {
            return broken("この記録の内容がハッシュと一致しません（内容が変更されています）");
        }
        expected_prev = hash;
        expected_seq += 1;
        count += 1;
    }
    Ok((count, expected_prev, None))
}

/// The audit entry that finalised or amended a version, if any: `(content hash in the entry)`.
pub fn version_entry_hash(conn: &Connection, record_id: &str, version: i64) -> Result<Option<String>> {
    let mut stmt = conn.prepare("SELECT detail FROM audit_log WHERE target = ?1 AND action IN ('finalise', 'amend')")?;
    let rows = stmt.query_map([record_id], |r| r.get::<_, String>(0))?;
    for d in rows {
        let v: serde_json::Value = serde_json::from_str(&d?).unwrap_or_default();
        if v["version"].as_i64() == Some(version) {
            return Ok(v["content_hash"].as_str().map(str::to_string));
        }
    }
    Ok(None)
}
