//! What `verify` checks beyond the audit chain and each version's hash (issue 13, finding 6):
//! that the columns the ledgers and retention read agree with the evidence they were derived
//! from, that every 確定 or 訂正 the audit log records still has its version, and that what a
//! centre consolidated still matches its hashes. With the passphrase, someone could otherwise
//! move a record's `retain_until` back and have it destroyed "legally", delete a version the
//! chain still names, or change a consolidated version.
//!
//! The evidence is the latest finalised version's content (hash-checked, its hash in the chained
//! audit log); retention uses the same evidence (`evidence_of`), so a changed column never makes a
//! record due early.

use rusqlite::{params, Connection, OptionalExtension};

use super::audit::sha256_hex;
use super::day_of;
use super::records::retain_until;
use crate::domain::{Date, VersionContent};
use crate::error::Result;

/// What the evidence says about a finalised record: its date performed (from the latest
/// version's content), the day of its first 確定 (from the audit log), and the end of its
/// retention computed from them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Evidence {
    pub performed_on: Option<Date>,
    pub finalised_on: Option<Date>,
    pub retain_until: Option<Date>,
}

/// The evidence for the finalised record `id`, or None when it has no finalised version.
pub(crate) fn evidence_of(c: &Connection, id: &str) -> Result<Option<Evidence>> {
    let content: Option<String> =
        c.query_row("SELECT content FROM record_versions WHERE record_id = ?1 ORDER BY version DESC LIMIT 1", [id], |r| r.get(0)).optional()?;
    let Some(content) = content else { return Ok(None) };
    let performed_on = serde_json::from_str::<VersionContent>(&content).ok().and_then(|v| v.body.performed_on());
    let finalised_at: Option<String> =
        c.query_row("SELECT min(at) FROM audit_log WHERE target = ?1 AND action = 'finalise'", [id], |r| r.get(0)).optional()?.flatten();
    let finalised_on = finalised_at.as_deref().and_then(day_of);
    Ok(Some(Evidence { performed_on, finalised_on, retain_until: performed_on.or(finalised_on).map(retain_until) }))
}

/// Finalised records whose `performed_on` or `retain_until` columns disagree with the evidence.
/// (`finalised_at` is not compared: a centre's records are finalised on the day performed, and
/// its only use, holding a record with a mistyped era, guards against mistakes, not attackers.)
pub(crate) fn record_columns(c: &Connection) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    let mut stmt = c.prepare("SELECT id, performed_on, retain_until FROM records WHERE status = 'final' ORDER BY id")?;
    let rows: Vec<(String, Option<String>, Option<String>)> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<rusqlite::Result<_>>()?;
    for (id, performed, until) in rows {
        let Some(e) = evidence_of(c, &id)? else {
            problems.push(format!("記録 {id}: 確定済みですが、確定した版がありません"));
            continue;
        };
        let iso = |d: Option<Date>| d.map(|d| d.iso());
        if performed != iso(e.performed_on) {
            problems.push(format!("記録 {id}: 実施日の列が、確定した内容の実施日と違います（書き換えられています）"));
        }
        if e.performed_on.is_some() && until != iso(e.retain_until) {
            problems.push(format!("記録 {id}: 保存期限の列が、確定した内容の実施日から計算した期限と違います（書き換えられています）"));
        }
    }
    Ok(problems)
}

/// 確定 and 訂正 entries of the audit log whose version is gone, for records not destroyed by
/// retention (a 廃棄 removes the versions and leaves a 廃棄記録).
pub(crate) fn versions_named_by_the_log(c: &Connection) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    let mut stmt = c.prepare("SELECT target, detail FROM audit_log WHERE action IN ('finalise', 'amend') ORDER BY seq")?;
    let rows: Vec<(String, String)> = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    for (id, detail) in rows {
        let d: serde_json::Value = serde_json::from_str(&detail).unwrap_or_default();
        let Some(version) = d["version"].as_i64() else { continue };
        let present: bool =
            c.query_row("SELECT EXISTS (SELECT 1 FROM record_versions WHERE record_id = ?1 AND version = ?2)", params![id, version], |r| r.get(0))?;
        if present {
            continue;
        }
        let destroyed: bool = c.query_row("SELECT EXISTS (SELECT 1 FROM destructions WHERE record_id = ?1)", [&id], |r| r.get(0))?;
        if !destroyed {
            problems.push(format!("記録 {id} の第{version}版: 監査ログに確定・訂正の記録がありますが、その版がありません（削除されています）"));
        }
    }
    Ok(problems)
}

/// Consolidated versions (a centre's store) whose content no longer matches its hash.
pub(crate) fn consolidated_hashes(c: &Connection) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    let mut stmt = c.prepare("SELECT record_id, version, device_id, content, content_hash FROM consolidated_versions ORDER BY record_id, version")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (id, version, device, content, hash): (String, i64, String, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?);
        if sha256_hex(content.as_bytes()) != hash {
            problems.push(format!("集約した記録 {id} の第{version}版（端末 {device}）: 内容が受け取ったときのハッシュと一致しません（書き換えられています）"));
        }
    }
    Ok(problems)
}
